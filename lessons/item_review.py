"""Rules that flag a question for review, as pure functions over plain figures.

The figures come from ``lessons.item_stats`` (queries over the stored answers);
the thresholds from the ``ITEM_REVIEW_*`` settings. Nothing here reads the
database, the settings or the clock, so every rule is tested directly
(docs/item-review.md explains each one).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

# Share of the answers, at each end, that forms the upper and the lower group.
GROUP_PERCENT = 27


class Flag(StrEnum):
    """Why a question is listed for review; values are stable codes."""

    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    LOW_DISCRIMINATION = "low_discrimination"
    UNUSED_DISTRACTOR = "unused_distractor"
    DISTRACTOR_BEATS_KEY = "distractor_beats_key"


@dataclass(frozen=True)
class Thresholds:
    facility_max: float = 0.95
    facility_min: float = 0.2
    discrimination_min: float = 0.1
    min_answers: int = 30


@dataclass(frozen=True)
class OptionFigures:
    """How often one choice was picked: by everyone, by the upper and by the lower group."""

    key: str
    is_correct: bool
    count: int = 0
    upper: int = 0
    lower: int = 0


@dataclass(frozen=True)
class ItemFigures:
    """A question's answers, split into the upper and lower groups, and its options (choice kinds only)."""

    answers: int
    correct: int
    upper_answers: int = 0
    upper_correct: int = 0
    lower_answers: int = 0
    lower_correct: int = 0
    options: Sequence[OptionFigures] = ()

    @property
    def facility(self) -> float | None:
        """Share of the answers that were right."""
        return self.correct / self.answers if self.answers else None

    @property
    def discrimination(self) -> float | None:
        """Facility in the upper group minus facility in the lower group (−1 … 1)."""
        if not self.upper_answers or not self.lower_answers:
            return None
        return self.upper_correct / self.upper_answers - self.lower_correct / self.lower_answers


def group_size(answers: int) -> int:
    """Answers in each of the upper and lower groups: 27% of ``answers``, rounded half up.

    Never more than half, so the two groups never overlap.
    """
    return (answers * GROUP_PERCENT + 50) // 100


def item_flags(figures: ItemFigures, thresholds: Thresholds) -> list[Flag]:
    """The reasons to review the item, in a fixed order; none below the minimum number of answers."""
    if figures.answers < max(thresholds.min_answers, 1):
        return []
    flags = []
    # Rounded so that a figure exactly on a threshold (0.6 − 0.5 = 0.0999…) is not flagged by float noise.
    facility = round(figures.facility, 9)
    if facility > thresholds.facility_max:
        flags.append(Flag.TOO_EASY)
    if facility < thresholds.facility_min:
        flags.append(Flag.TOO_HARD)
    discrimination = figures.discrimination
    if discrimination is not None and round(discrimination, 9) < thresholds.discrimination_min:
        flags.append(Flag.LOW_DISCRIMINATION)
    keys = [option for option in figures.options if option.is_correct]
    distractors = [option for option in figures.options if not option.is_correct]
    if any(option.count == 0 for option in distractors):
        flags.append(Flag.UNUSED_DISTRACTOR)
    # With several right choices, a distractor is compared with the least-picked one.
    if keys and any(option.upper > min(key.upper for key in keys) for option in distractors):
        flags.append(Flag.DISTRACTOR_BEATS_KEY)
    return flags
