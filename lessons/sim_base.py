"""Shared pieces of the mock simulations (procedure sheet, dossier tracking; the portal reuses the file-name check).

The rules are pure functions over plain data: ``state`` is the small JSON kept in
``SimulationProgress.state`` (the step reached and a few values the server made,
never anything the student typed), and ``data`` is the posted form as
``{name: [values]}``.

Every form names the step it belongs to (``step``). A post for a step the student
has already left (a double submit, a second tab) is *stale*: nothing changes and
the page is shown again. A post naming no known step is refused with an error.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Data = Mapping[str, Sequence[str]]

STALE_OR_BAD = "Yêu cầu không hợp lệ. Em hãy tải lại trang rồi làm tiếp."
ATTACHMENT_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")


@dataclass
class Outcome:
    """The result of one post.

    ``errors`` (field → message): the input was refused, nothing changed.
    ``feedback``: a valid but wrong choice, explained; nothing changed.
    ``changed``: the state must be saved (``advanced`` when the step is done).
    ``stale``: the post was for a step already left; nothing changed.
    """

    state: dict
    errors: dict[str, str] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)
    advanced: bool = False
    changed: bool = False
    stale: bool = False


def one(data: Data, name: str) -> str:
    """The single value posted under ``name`` (stripped), or "" when it is missing or repeated."""
    values = data.get(name, ())
    return values[0].strip() if len(values) == 1 and isinstance(values[0], str) else ""


def step_check(steps: Sequence[str], step: int, data: Data, state: dict) -> Outcome | None:
    """Refuse a post without a known step, ignore one for another step; None when it is for ``step``."""
    posted = one(data, "step")
    if posted not in steps:
        return Outcome(dict(state), errors={"step": STALE_OR_BAD})
    current = steps[step] if step < len(steps) else None
    if posted != current:
        return Outcome(dict(state), stale=True)
    return None


def file_name_error(name: str, *, max_length: int | None = None) -> str:
    """Why an attached file's name is refused ("" when it is fine); the file itself never travels."""
    name = name.strip().lower()
    if not name:
        return "Em chưa chọn tệp giấy tờ để đính kèm."
    if not name.endswith(ATTACHMENT_EXTENSIONS) or (max_length is not None and len(name) > max_length):
        return "Chỉ đính kèm tệp PDF hoặc ảnh (JPG, PNG)."
    return ""


def attachment_error(data: Data) -> str:
    """Why the file name posted as ``attachment`` is refused ("" when it is fine)."""
    return file_name_error(one(data, "attachment"), max_length=255)


@dataclass(frozen=True)
class Option:
    """A choice the student can pick; ``note`` says why it is right or why not."""

    id: str
    text: str
    correct: bool
    note: str


def choice_feedback(options: Sequence[Option], chosen: str) -> tuple[Option | None, str]:
    """The option picked among ``options`` and, when it is not the right one, its explanation."""
    option = next((o for o in options if o.id == chosen), None)
    if option is None or option.correct:
        return option, ""
    return option, option.note
