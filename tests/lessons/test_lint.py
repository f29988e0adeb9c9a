"""The content lint reports outdated law taught as current and guessable items, with file:line."""

import shutil
from collections import Counter

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from lessons import lint, services
from lessons.content import ChoiceSpec, QuestionSpec, read_curriculum

LINT_FILE = services.CURRICULUM_ROOT / "lint.yaml"
RULES = yaml.safe_load(LINT_FILE.read_text(encoding="utf-8"))["outdated"]

# The package's curriculum fixture needs the database even where a test only reads files.
pytestmark = pytest.mark.django_db


def test_the_real_curriculum_passes_the_lint():
    spec = read_curriculum(services.CURRICULUM_ROOT, image_dir=services.default_image_dir())
    assert [str(p) for p in lint.lint_curriculum(services.CURRICULUM_ROOT, spec.questions)] == []


@pytest.mark.parametrize("rule", RULES, ids=[rule["message"][:40] for rule in RULES])
def test_each_outdated_rule_reports_its_bad_sentence_and_lets_the_old_rule_through(rule):
    config = lint.load_config(LINT_FILE)
    [compiled] = [r for r in config.outdated if r.message == rule["message"]]
    text = f"Mở đầu.\n{rule['ok']}\nMột câu khác. {rule['bad']}\n"
    problems = lint.outdated_problems("lessons/x.md", text, (compiled,))
    assert [(p.file, p.line) for p in problems] == [("lessons/x.md", 3)]


def _single(key, texts, correct=0, *, line=1):
    choices = [ChoiceSpec(str(i), text, is_correct=i == correct, position=i) for i, text in enumerate(texts)]
    return QuestionSpec(key, "l1", "single", f"Câu {key}?", "Vì.", "C", 1, choices, file="questions/l1.yaml", line=line)


def _multiple(key, right, of=4):
    choices = [ChoiceSpec(str(i), f"lựa chọn {i}", is_correct=i < right, position=i) for i in range(of)]
    return QuestionSpec(key, "l1", "multiple", f"Câu {key}?", "Vì.", "C", 1, choices)


THRESHOLDS = lint.Thresholds(key_longest_max=0.35, multiple_same_count_max=0.5)


def test_key_longest_too_often_is_reported_and_ties_count():
    longest = [_single(f"a{i}", ["đáp án dài nhất ở đây", "ngắn", "ngắn", "ngắn"]) for i in range(2)]
    tie = [_single("t", ["bằng nhau", "bằng nhau", "x", "y"])]
    fair = [_single(f"f{i}", ["ngắn", "một lựa chọn dài hơn", "x", "y"]) for i in range(5)]
    stats = lint.bank_stats(longest + tie + fair)
    assert (stats.single, stats.key_longest) == (8, 3)
    [problem] = lint.bank_problems(stats, THRESHOLDS)
    assert "3/8" in problem.message
    assert lint.bank_problems(lint.bank_stats(longest + fair), THRESHOLDS) == []


def test_one_count_of_right_options_over_half_is_reported():
    items = [_multiple("m1", 3), _multiple("m2", 3), _multiple("m3", 2)]
    assert lint.bank_stats(items).multiple_counts == Counter({3: 2, 2: 1})
    [problem] = lint.bank_problems(lint.bank_stats(items), THRESHOLDS)
    assert "2/3" in problem.message and "đúng 3 đáp án" in problem.message
    assert lint.bank_problems(lint.bank_stats([*items, _multiple("m4", 4)]), THRESHOLDS) == []


def test_duplicate_stems_are_reported_at_the_second_item():
    first = _single("q1", ["a", "bb", "c", "d"], correct=2, line=3)
    again = _single("q2", ["a", "bb", "c", "d"], correct=2, line=40)
    again.text = "  câu   Q1? "
    [problem] = lint.bank_problems(lint.bank_stats([first, again]), THRESHOLDS)
    assert (problem.file, problem.line) == ("questions/l1.yaml", 40) and "'q2' trùng đề với 'q1'" in problem.message


def test_command_fails_with_file_and_line_on_an_outdated_sentence(tmp_path):
    root = tmp_path / "curriculum"
    shutil.copytree(services.CURRICULUM_ROOT, root)
    lesson = sorted((root / "lessons").glob("*.md"))[0]
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nEm mang theo CMND khi đi làm thủ tục.\n", encoding="utf-8")
    line = lesson.read_text(encoding="utf-8").count("\n")
    with pytest.raises(CommandError, match=rf"lessons/{lesson.name}:{line}: chứng minh nhân dân"):
        call_command("lint_curriculum", path=root)


def _rules():
    return lint.load_config(LINT_FILE).outdated


def test_a_distractor_may_state_an_outdated_rule_but_the_key_and_explanation_may_not():
    outdated = "Mang theo CMND khi đi làm thủ tục"
    distractor = _single("d", [outdated, "Mang theo thẻ căn cước", "x", "y"], correct=1, line=7)
    assert lint.question_problems(distractor, _rules()) == []
    keyed = _single("k", [outdated, "Mang theo thẻ căn cước", "x", "y"], correct=0, line=7)
    [problem] = lint.question_problems(keyed, _rules())
    assert (problem.file, problem.line) == ("questions/l1.yaml", 7) and "câu hỏi 'k'" in problem.message
    explained = _single("e", ["a", "b", "c", "d"], line=9)
    explained.explanation = "Em mang theo CMND là đủ."
    assert len(lint.question_problems(explained, _rules())) == 1


def test_a_true_false_statement_keyed_false_may_state_the_outdated_rule():
    def statement(key_text):
        choices = [ChoiceSpec("t", "Đúng", is_correct=key_text == "Đúng"), ChoiceSpec("f", "Sai", is_correct=key_text == "Sai", position=1)]
        return QuestionSpec("tf", "l1", "truefalse", "Em có thể dùng CMND để làm thủ tục.", "Vì.", "C", 1, choices, file="q", line=1)

    assert lint.question_problems(statement("Sai"), _rules()) == []
    assert len(lint.question_problems(statement("Đúng"), _rules())) == 1


def test_a_lessons_changes_note_may_name_what_was_removed():
    text = "---\nchanges: \"Bỏ câu: em mang theo CMND.\"\n---\nEm mang theo CMND.\n"
    assert [p.line for p in lint.lesson_problems("lessons/x.md", text, _rules())] == [4]
