"""The posted check page back into plain data: self-assessment levels and one raw response per item.

Each knowledge item's fields carry the prefix ``q<id>-`` and otherwise follow the
practice page (``lessons.practice.decode_post``: display positions, never ids).
"""

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from evidence import rules
from lessons import grading, practice
from lessons.keys import question_answer_key


def field_prefix(question_pk: int) -> str:
    return f"q{question_pk}-"


def parse_check_post(
    post: Mapping[str, Sequence[str]], questions: Sequence, seed: str
) -> tuple[dict[str, int], dict[int, list[str]]]:
    """``(self-assessment levels, {question id: raw response})``; raises ``rules.InvalidCheck``."""
    levels = rules.parse_self_assessment(post)
    responses = {}
    for number, question in enumerate(questions, start=1):
        prefix = field_prefix(question.pk)
        fields = {name[len(prefix):]: values for name, values in post.items() if name.startswith(prefix)}
        key = question_answer_key(question)
        try:
            raw = practice.decode_post(key, practice.question_seed(seed, question.pk), fields)
            grading.parse_response(key, raw)
        except grading.InvalidResponse as error:
            raise rules.InvalidCheck(_("Câu %(n)s: %(e)s") % {"n": number, "e": error.message}) from error
        responses[question.pk] = raw
    return levels, responses
