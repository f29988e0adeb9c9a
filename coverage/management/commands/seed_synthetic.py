"""A synthetic province for benchmarks: N students, ~N/40 classes, ~N/1200 schools, realistic progress.

Everything is written with bulk_create: 60,000 students take well under a minute on PostgreSQL.
"""

import random
from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from coverage.summaries import summaries_rebuild
from evidence import rules as evidence_rules
from evidence.models import LearningCheck
from lessons.models import CourseCompletion, Lesson, LessonCompletion, LessonRating, PracticeAttempt
from schools.demo import FAMILY, GIVEN, MIDDLE
from schools.models import Classroom, Enrollment, Province, RoleAssignment, School, SchoolYear, User
from schools.names import vietnamese_sort_key

BATCH = 5000


class Command(BaseCommand):
    help = "Tạo một tỉnh tổng hợp (dữ liệu giả) để đo hiệu năng: --students N."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=60000)
        parser.add_argument("--code", default="tong-hop")
        parser.add_argument("--seed", type=int, default=2025)

    @transaction.atomic
    def handle(self, *args, students: int, code: str, seed: int, **options):
        if students < 1:
            raise CommandError("--students phải lớn hơn 0.")
        if Province.objects.filter(code=code).exists():
            raise CommandError(f"Tỉnh '{code}' đã có; dùng --code khác.")
        lessons = list(Lesson.objects.filter(required=True, is_active=True).select_related("course"))
        if not lessons:
            raise CommandError("Chưa có bài học: hãy chạy `manage.py load_curriculum` trước.")
        year = SchoolYear.current() or SchoolYear.objects.create(
            name="2025-2026", starts_on=date(2025, 9, 5), first_term_ends_on=date(2026, 1, 17),
            ends_on=date(2026, 5, 31), is_current=True,
        )
        rng = random.Random(seed)
        province = Province.objects.create(name=f"Tỉnh Tổng Hợp {code}", code=code,
                                           department_name=f"Sở Giáo dục và Đào tạo Tỉnh Tổng Hợp {code}")
        school_count, class_count = max(1, students // 1200), max(1, students // 40)
        schools = School.objects.bulk_create([
            School(province=province, name=f"Trường THPT Tổng Hợp {code} {i + 1:03d}", code=f"TH{code[:6]}{i + 1:04d}",
                   place_name="Pleiku", principal_name="Nguyễn Văn Hiệu")
            for i in range(school_count)
        ])
        classrooms = Classroom.objects.bulk_create([
            Classroom(school=schools[i % school_count], school_year=year, grade=10 + (i // school_count) % 3,
                      name=f"{10 + (i // school_count) % 3}A{i // (school_count * 3) + 1}")
            for i in range(class_count)
        ])
        users = []
        for i in range(students):
            full_name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            users.append(User(username=f"{code}-{i:06d}", full_name=full_name, name_sort=vietnamese_sort_key(full_name),
                              password="!"))  # noqa: S106 - an unusable password
        users = User.objects.bulk_create(users, batch_size=BATCH)
        Enrollment.objects.bulk_create(
            [Enrollment(student=u, classroom=classrooms[i % class_count], school_year=year) for i, u in enumerate(users)],
            batch_size=BATCH,
        )
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=u, role=RoleAssignment.Role.STUDENT, school=classrooms[i % class_count].school)
             for i, u in enumerate(users)], batch_size=BATCH,
        )
        self._progress(rng, users, lessons, year)
        summaries_rebuild(student_ids=[u.pk for u in users])
        self.stdout.write(self.style.SUCCESS(
            f"Đã tạo {province.name}: {school_count} trường, {class_count} lớp, {students} học sinh."))

    def _progress(self, rng, users, lessons, year):
        """70% started; of those about 60% trained; dates spread over the weeks of the year so far; entry and exit checks."""
        start = timezone.make_aware(datetime.combine(year.starts_on, time(8)))
        last = timezone.make_aware(datetime.combine(min(timezone.localdate(), year.ends_on), time(8)))
        span = max((last - start).days, 1)
        completions, attempts, trained, ratings, checks = [], [], [], [], []
        for user in users:
            roll = rng.random()
            if roll > 0.7:
                continue
            entry = self._entry_check(rng, user, start)
            if entry:
                checks.append(entry)
            done = lessons if roll < 0.42 else lessons[: rng.randint(1, len(lessons) - 1)]
            when = start + timedelta(days=rng.randint(0, span))
            for lesson in done:
                when = min(when + timedelta(days=rng.randint(0, 6)), last)
                percent = rng.randint(80, 100)
                completions.append(LessonCompletion(student=user, lesson=lesson, method="online", completed_at=when,
                                                    best_percent=percent))
                attempts.append(PracticeAttempt(student=user, lesson=lesson, seed="synthetic", submitted_at=when,
                                                percent=percent, passed=True, total=10,
                                                correct_count=percent // 10))
            if done is lessons:
                trained.append(CourseCompletion(student=user, course=lessons[0].course, trained_at=when))
                ratings.append(LessonRating(student=user, lesson=lessons[-1], stars=rng.choice([3, 4, 4, 5, 5])))
                if entry and entry.submitted_at and rng.random() < 0.8:
                    checks.append(self._exit_check(rng, entry, min(when + timedelta(hours=1), last)))
        for model, rows in ((LessonCompletion, completions), (PracticeAttempt, attempts),
                            (CourseCompletion, trained), (LessonRating, ratings), (LearningCheck, checks)):
            model.objects.bulk_create(rows, batch_size=BATCH)

    @staticmethod
    def _entry_check(rng, user, start) -> LearningCheck | None:
        """Of the students who start, 85% take the entry check and 10% skip it, before their first lesson."""
        roll = rng.random()
        if roll >= 0.95:
            return None
        if roll >= 0.85:
            return LearningCheck(student=user, kind="entry", skipped_at=start)
        correct = rng.randint(1, 6)
        levels = {key: rng.choice((1, 1, 2, 2, 3, 4)) for key in evidence_rules.ITEM_KEYS}
        return LearningCheck(student=user, kind="entry", submitted_at=start, self_assessment=levels,
                             correct_count=correct, total=10, percent=correct * 10)

    @staticmethod
    def _exit_check(rng, entry: LearningCheck, when) -> LearningCheck:
        """The known effect: about 3 more right answers of 10, and each self-assessment one or two levels up."""
        correct = min(10, entry.correct_count + rng.randint(2, 4))
        levels = {key: min(4, level + rng.randint(1, 2)) for key, level in entry.self_assessment.items()}
        return LearningCheck(student=entry.student, kind="exit", submitted_at=when, self_assessment=levels,
                             correct_count=correct, total=10, percent=correct * 10)
