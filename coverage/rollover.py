"""School-year rollover rules as pure functions: which class each class becomes next year.

10A1 → 11A1, "11 Chuyên Tin" → "12 Chuyên Tin"; grade 12 graduates (no class next year).
"""

import re
from dataclasses import dataclass

LAST_GRADE = 12
_LEADING_GRADE = re.compile(r"^(\s*)(10|11|12)")


@dataclass(frozen=True)
class ClassPlan:
    source_id: int
    source_name: str
    grade: int
    students: int
    target_name: str | None  # None: the class graduates
    target_exists: bool

    @property
    def graduates(self) -> bool:
        return self.target_name is None


def promoted_name(name: str, grade: int) -> str | None:
    """The class's name next year, or None when grade 12 graduates."""
    if grade >= LAST_GRADE:
        return None
    replaced, count = _LEADING_GRADE.subn(lambda m: f"{m.group(1)}{grade + 1}", name, count=1)
    return replaced if count else f"{grade + 1} {name}"


def plan(classes: list[tuple[int, str, int, int]], existing_names: set[str]) -> list[ClassPlan]:
    """One row per (id, name, grade, students) class; ``existing_names`` are next year's classes already made."""
    existing = {n.casefold() for n in existing_names}
    rows = []
    for source_id, name, grade, students in classes:
        target = promoted_name(name, grade)
        rows.append(
            ClassPlan(source_id, name, grade, students, target, target is not None and target.casefold() in existing)
        )
    return rows
