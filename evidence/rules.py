"""Rules of the entry and exit checks, as pure functions over plain data (no ORM, no clock).

- The self-assessment: three items on a 4-point scale; the top level of every item
  means "I can do it myself" and is what the gain figures count.
- Which check a student is offered, and why a check may not be taken (or skipped).
- How the knowledge items of a form are drawn: the same items for every student
  (so entry and exit scores are comparable across students), balanced across
  lessons when a form holds more items than a check asks.
- The minimum group size below which no figure is shown.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ENTRY = "entry"
EXIT = "exit"
KINDS = (ENTRY, EXIT)
FORMS = {ENTRY: "A", EXIT: "B"}  # Question.check_form of each check
CHECK_SIZE = 10
LEVELS = (1, 2, 3, 4)
CAN_DO = 4
DEFAULT_MIN_GROUP = 10


@dataclass(frozen=True)
class SelfAssessmentItem:
    key: str
    text: str
    levels: tuple[str, str, str, str]  # lowest first; the last one is "can do it myself"

    @property
    def field_name(self) -> str:
        return f"sa_{self.key}"

    @property
    def can_do_label(self) -> str:
        return self.levels[CAN_DO - 1]


SELF_ASSESSMENT: tuple[SelfAssessmentItem, ...] = (
    SelfAssessmentItem(
        "online", _("Em đã tự làm thủ tục trực tuyến nào chưa?"),
        (_("Chưa, em chưa biết cách làm"), _("Chưa, nhưng em biết cách làm"),
         _("Đã làm, nhưng có người làm giúp phần lớn"), _("Đã tự làm được")),
    ),
    SelfAssessmentItem(
        "vneid", _("Em có tài khoản VNeID mức 2 chưa?"),
        (_("Chưa có, em chưa biết tài khoản này"), _("Chưa có, nhưng em biết cách đăng ký"),
         _("Đã có, nhưng em chưa tự đăng nhập được"), _("Đã có và em tự đăng nhập được")),
    ),
    SelfAssessmentItem(
        "portal", _("Em tự tin đăng nhập Cổng Dịch vụ công quốc gia không?"),
        (_("Không, em chưa biết cách"), _("Chưa tự tin, cần người hướng dẫn từng bước"),
         _("Làm được nếu có người bên cạnh"), _("Tự tin, em tự làm được")),
    ),
)
ITEM_KEYS = tuple(item.key for item in SELF_ASSESSMENT)


class InvalidCheck(ValueError):
    """A posted check that cannot be recorded; ``message`` is for the student."""

    def __init__(self, message: str) -> None:
        self.message = str(message)
        super().__init__(self.message)


def parse_self_assessment(post: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """``{item key: level}`` from the form's ``sa_<key>`` fields: every item exactly one level 1–4."""
    levels = {}
    for item in SELF_ASSESSMENT:
        values = [v for v in post.get(item.field_name, []) if v != ""]
        if not values:
            raise InvalidCheck(_("Em chưa trả lời câu tự đánh giá “%(q)s”.") % {"q": item.text})
        if len(values) > 1 or values[0] not in {str(level) for level in LEVELS}:
            raise InvalidCheck(_("Câu trả lời cho “%(q)s” không hợp lệ. Hãy chọn một mức.") % {"q": item.text})
        levels[item.key] = int(values[0])
    return levels


def valid_self_assessment(levels: Mapping[str, object]) -> bool:
    """Exactly the items of ``SELF_ASSESSMENT``, each with an integer level 1–4."""
    return set(levels) == set(ITEM_KEYS) and all(
        type(value) is int and value in LEVELS for value in levels.values()
    )


def draw_form(items: Sequence[tuple[int, int]], size: int = CHECK_SIZE) -> list[int]:
    """The item ids of a check from ``(item id, lesson order)`` pairs in the bank's order.

    Every student gets the same items. With more than ``size`` items, lessons take
    turns (the first item of each lesson, then the second…), so no lesson crowds out
    another; the chosen items are listed in lesson order.
    """
    by_lesson: dict[int, list[int]] = {}
    for item_id, lesson_order in items:
        by_lesson.setdefault(lesson_order, []).append(item_id)
    chosen: set[int] = set()
    wanted = min(size, len({item_id for item_id, _order in items}))
    round_ = 0
    while len(chosen) < wanted:
        for lesson_order in sorted(by_lesson):
            queue = by_lesson[lesson_order]
            if round_ < len(queue) and len(chosen) < wanted:
                chosen.add(queue[round_])
        round_ += 1
    return [item_id for item_id, _order in items if item_id in chosen]


def refusal(kind: str, *, done: bool, trained: bool, started_learning: bool, items: int) -> str | None:
    """Why ``kind`` may not be taken or skipped now, in Vietnamese; None when it may.

    The entry check measures the student before the course, so it is closed once a
    lesson is complete; the exit check opens when the student is trained.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown check kind {kind!r}.")
    if done:
        return str(_("Em đã làm hoặc đã bỏ qua bài kiểm tra này rồi."))
    if kind == ENTRY and trained:
        return str(_("Em đã hoàn thành khóa học nên không làm bài kiểm tra đầu vào nữa."))
    if kind == ENTRY and started_learning:
        return str(_("Bài kiểm tra đầu vào chỉ làm trước khi em hoàn thành bài học đầu tiên."))
    if kind == EXIT and not trained:
        return str(_("Bài kiểm tra cuối khóa mở khi em đã hoàn thành mọi bài học bắt buộc."))
    if items < 1:
        return str(_("Bài kiểm tra này chưa có câu hỏi. Em hãy tiếp tục học."))
    return None


def offer(*, entry_done: bool, exit_done: bool, trained: bool, started_learning: bool,
          entry_items: int, exit_items: int) -> str | None:
    """The check the course page offers the student now (ENTRY, EXIT) or None."""
    state = {"trained": trained, "started_learning": started_learning}
    if refusal(ENTRY, done=entry_done, items=entry_items, **state) is None:
        return ENTRY
    if refusal(EXIT, done=exit_done, items=exit_items, **state) is None:
        return EXIT
    return None


def enough(count: int, min_group: int) -> bool:
    """A group's figures are shown only from ``min_group`` students with both checks (meaning and privacy)."""
    return count >= max(1, min_group)
