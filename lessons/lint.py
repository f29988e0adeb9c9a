"""Content lint: what the loader cannot see — outdated law taught as current, and guessable items.

Two kinds of checks, both driven by ``lint.yaml`` in the curriculum folder (data, not code):

- ``outdated``: phrases that were right once (repealed instruments, pre-reform names, rules that
  reality contradicts). Each rule has a ``pattern`` and an ``unless`` pattern: a sentence that
  matches ``pattern`` is reported unless the same sentence also matches ``unless`` (it presents
  the phrase as the old rule). Reported with file:line. Lessons are read line by line (but for
  their ``changes`` note, which is about what was removed); questions by what they teach: the
  stem (unless it is a true/false statement keyed false), the right options and the explanation.
  A wrong option stating an outdated rule is a good distractor, not a fault.
- ``bank``: item-writing statistics over the whole question bank — how often the key of a
  single-choice item is its longest option, how the number of right options spreads over
  multiple-select items, and duplicated stems.
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from lessons import grading
from lessons.content import Problem, QuestionSpec

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class OutdatedRule:
    pattern: re.Pattern
    unless: re.Pattern | None
    message: str


@dataclass(frozen=True)
class Thresholds:
    key_longest_max: float
    multiple_same_count_max: float


@dataclass(frozen=True)
class LintConfig:
    outdated: tuple[OutdatedRule, ...]
    thresholds: Thresholds


def load_config(path: Path) -> LintConfig:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules = tuple(
        OutdatedRule(
            re.compile(rule["pattern"], re.IGNORECASE),
            re.compile(rule["unless"], re.IGNORECASE) if rule.get("unless") else None,
            rule["message"],
        )
        for rule in data["outdated"]
    )
    bank = data["bank"]
    return LintConfig(rules, Thresholds(float(bank["key_longest_max"]), float(bank["multiple_same_count_max"])))


def outdated_problems(label: str, text: str, rules: tuple[OutdatedRule, ...]) -> list[Problem]:
    """Sentences of ``text`` that teach an outdated rule as current, as ``label:line`` problems."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        for sentence in SENTENCE_END.split(line):
            for rule in rules:
                if rule.pattern.search(sentence) and not (rule.unless and rule.unless.search(sentence)):
                    problems.append(Problem(label, number, rule.message))
    return problems


def _taught(question: QuestionSpec) -> list[str]:
    """The texts a question presents as true."""
    if question.kind in (grading.ORDERING, grading.MATCHING):
        options = [c.text for c in question.choices] + [c.match_text for c in question.choices]
    else:
        options = [c.text for c in question.choices if c.is_correct]
    stem_is_false = question.kind == grading.TRUEFALSE and any(
        c.is_correct and c.text.strip().lower() == "sai" for c in question.choices
    )
    return [*([] if stem_is_false else [question.text]), *options, question.explanation]


def question_problems(question: QuestionSpec, rules: tuple[OutdatedRule, ...]) -> list[Problem]:
    """Outdated rules a question teaches as true, reported at the question's first line."""
    problems = outdated_problems(question.file, "\n".join(_taught(question)), rules)
    return [Problem(question.file, question.line, f"câu hỏi '{question.key}': {p.message}") for p in problems]


def lesson_problems(label: str, text: str, rules: tuple[OutdatedRule, ...]) -> list[Problem]:
    """Outdated rules in a lesson file; the ``changes`` note (what this version removed) is skipped."""
    lines = ["" if line.startswith("changes:") else line for line in text.splitlines()]
    return outdated_problems(label, "\n".join(lines), rules)


def _stem(text: str) -> str:
    return " ".join(text.lower().split())


def key_is_longest(question: QuestionSpec) -> bool:
    """A single-choice key at least as long as every other option (ties count: they give it away too)."""
    longest = max(len(choice.text) for choice in question.choices)
    return any(choice.is_correct and len(choice.text) == longest for choice in question.choices)


@dataclass(frozen=True)
class BankStats:
    single: int
    key_longest: int
    multiple_counts: Counter
    duplicate_stems: tuple[tuple[QuestionSpec, QuestionSpec], ...]


def bank_stats(questions: list[QuestionSpec]) -> BankStats:
    singles = [q for q in questions if q.kind == grading.SINGLE]
    multiples = [q for q in questions if q.kind == grading.MULTIPLE]
    first_by_stem: dict[str, QuestionSpec] = {}
    duplicates = []
    for question in questions:
        first = first_by_stem.setdefault(_stem(question.text), question)
        if first is not question:
            duplicates.append((first, question))
    return BankStats(
        single=len(singles),
        key_longest=sum(1 for q in singles if key_is_longest(q)),
        multiple_counts=Counter(sum(1 for c in q.choices if c.is_correct) for q in multiples),
        duplicate_stems=tuple(duplicates),
    )


def bank_problems(stats: BankStats, thresholds: Thresholds, label: str = "questions/") -> list[Problem]:
    problems = []
    if stats.single and stats.key_longest / stats.single > thresholds.key_longest_max:
        problems.append(Problem(label, None, (
            f"đáp án đúng là lựa chọn dài nhất ở {stats.key_longest}/{stats.single} câu một lựa chọn "
            f"(tối đa {thresholds.key_longest_max:.0%})"
        )))
    total = sum(stats.multiple_counts.values())
    for count, items in sorted(stats.multiple_counts.items()):
        if items / total > thresholds.multiple_same_count_max:
            problems.append(Problem(label, None, (
                f"{items}/{total} câu nhiều lựa chọn có đúng {count} đáp án đúng "
                f"(tối đa {thresholds.multiple_same_count_max:.0%}): hãy thay đổi số đáp án đúng"
            )))
    for first, again in stats.duplicate_stems:
        problems.append(Problem(again.file, again.line, f"câu hỏi '{again.key}' trùng đề với '{first.key}'"))
    return problems


def lint_curriculum(root: Path, questions: list[QuestionSpec]) -> list[Problem]:
    """Every lint problem of the curriculum at ``root`` (already read by the loader into ``questions``)."""
    config = load_config(root / "lint.yaml")
    problems = []
    for path in sorted((root / "lessons").glob("*.md")):
        problems.extend(lesson_problems(str(path.relative_to(root)), path.read_text(encoding="utf-8"), config.outdated))
    for question in questions:
        problems.extend(question_problems(question, config.outdated))
    problems.extend(bank_problems(bank_stats(questions), config.thresholds))
    return problems
