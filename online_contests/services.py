"""Writes on online contests. Each function validates, takes ``now`` from the caller
(server time, never the client's) and runs in one transaction.

Refusals raise ``ContestError`` and change nothing; integrity refusals (late,
tampered, out of scope) are also recorded as ``RefusedRequest`` rows, written
outside the refused change.
"""

import secrets
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

import markdown
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from certificates.models import Certificate
from certificates.services import ClassIssueReport, certificate_issue_award
from lessons.grading import InvalidResponse, grade, parse_response, response_to_raw
from lessons.models import Quiz
from online_contests import selectors
from online_contests.answer_sheet import decode
from online_contests.models import (
    Attempt,
    AttemptAnswer,
    ContestPool,
    OnlineContest,
    Phase,
    Prize,
    RefusedRequest,
    SchoolResult,
)
from online_contests.questions import question_seed, questions_load
from schools.models import Province, School, SchoolYear, User

Reason = RefusedRequest.Reason
MAX_ESTIMATE = 10_000_000


class ContestError(Exception):
    """A refused request: ``message`` is for the user, ``status`` the HTTP status to answer with."""

    def __init__(
        self, message: str, *, status: int = 400, reason: str = "", attempt: Attempt | None = None, detail: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason
        self.attempt = attempt
        self.detail = detail


def rules_render(rules_md: str) -> str:
    """Markdown rules → sanitised HTML (rendered once, when the contest is saved)."""
    return nh3.clean(markdown.markdown(rules_md, extensions=["sane_lists"]))


def pools_check(pool_counts: Mapping[Quiz, int]) -> None:
    """Every count is available among the pool's live questions, and at least one question is drawn."""
    counts = {quiz: count for quiz, count in pool_counts.items() if count}
    if not counts:
        raise ValidationError(_("Hãy chọn số câu hỏi lấy từ ít nhất một bộ câu hỏi."))
    errors = []
    for quiz, count in counts.items():
        available = quiz.questions.filter(is_retired=False).count()
        if count < 0 or count > available:
            errors.append(
                _("Bộ câu hỏi «%(quiz)s» chỉ có %(available)d câu, không đủ %(count)d câu.")
                % {"quiz": quiz.title, "available": available, "count": count}
            )
    if errors:
        raise ValidationError(errors)


def _contest_fill(
    contest: OnlineContest, *, fields: Mapping, schools: Iterable[School], pool_counts: Mapping[Quiz, int]
) -> OnlineContest:
    for name, value in fields.items():
        setattr(contest, name, value)
    contest.grades = sorted({int(g) for g in contest.grades})
    contest.rules_html = rules_render(contest.rules_md)
    contest.full_clean()
    pools_check(pool_counts)
    schools = list(schools)
    if not schools or not contest.grades:
        raise ValidationError(_("Hãy chọn ít nhất một trường và một khối lớp tham gia."))
    contest.save()
    contest.schools.set(schools)
    contest.pools.all().delete()
    ContestPool.objects.bulk_create(
        ContestPool(contest=contest, quiz=quiz, count=count) for quiz, count in pool_counts.items() if count
    )
    return contest


@transaction.atomic
def contest_create(
    *,
    created_by: User,
    school: School | None = None,
    province: Province | None = None,
    fields: Mapping,
    schools: Iterable[School],
    pool_counts: Mapping[Quiz, int],
) -> OnlineContest:
    """Create a draft contest organised by ``school`` or ``province`` for the current school year."""
    year = SchoolYear.current()
    if year is None:
        raise ValidationError(_("Chưa có năm học hiện tại, chưa thể tạo cuộc thi."))
    contest = OnlineContest(
        school=school, province=province, school_year=year, created_by=created_by, draw_salt=secrets.token_hex(8)
    )
    return _contest_fill(contest, fields=fields, schools=schools, pool_counts=pool_counts)


@transaction.atomic
def contest_update(
    *, contest: OnlineContest, fields: Mapping, schools: Iterable[School], pool_counts: Mapping[Quiz, int]
) -> OnlineContest:
    """Change a contest while it is a draft."""
    contest = OnlineContest.objects.select_for_update().get(pk=contest.pk)
    if contest.status != OnlineContest.Status.DRAFT:
        raise ValidationError(_("Cuộc thi đã công bố, không thể sửa nữa."))
    return _contest_fill(contest, fields=fields, schools=schools, pool_counts=pool_counts)


@transaction.atomic
def contest_schedule(*, contest: OnlineContest, now: datetime) -> OnlineContest:
    """Announce a draft contest: students in scope see it and may start inside its window."""
    contest = OnlineContest.objects.select_for_update().get(pk=contest.pk)
    if contest.status != OnlineContest.Status.DRAFT:
        raise ContestError(_("Cuộc thi này đã được công bố."))
    if contest.closes_at <= now:
        raise ContestError(_("Thời điểm đóng đã qua. Hãy sửa thời gian trước khi công bố."))
    try:
        pools_check({pool.quiz: pool.count for pool in contest.pools.select_related("quiz")})
    except ValidationError as error:
        raise ContestError(" ".join(error.messages)) from error
    contest.status = OnlineContest.Status.SCHEDULED
    contest.save(update_fields=["status"])
    return contest


@transaction.atomic
def contest_close(*, contest: OnlineContest, now: datetime) -> OnlineContest:
    """Close an open contest now: attempts still running end with what they saved."""
    contest = OnlineContest.objects.select_for_update().get(pk=contest.pk)
    if contest.phase(now) != Phase.OPEN:
        raise ContestError(_("Chỉ có thể đóng sớm một cuộc thi đang mở."))
    contest.closes_at = now
    contest.save(update_fields=["closes_at"])
    contest.attempts.filter(finished_at__isnull=True, deadline__gt=now).update(deadline=now)
    attempts_finalise_expired(now=now, contest=contest)
    return contest


@contextmanager
def _refusals_recorded(*, contest: OnlineContest, student: User, now: datetime):
    """Record integrity refusals raised inside (after any refused change rolled back) and re-raise them."""
    try:
        yield
    except ContestError as error:
        if error.reason:
            RefusedRequest.objects.create(
                contest=contest, student=student, attempt=error.attempt, reason=error.reason,
                detail=error.detail[:200], created_at=now,
            )
        raise


def attempt_start(*, contest: OnlineContest, student: User, now: datetime) -> Attempt:
    """Start the student's one attempt, or return it if already running.

    The unique constraint (contest, student) makes concurrent starts end with one attempt.
    """
    with _refusals_recorded(contest=contest, student=student, now=now):
        existing = Attempt.objects.filter(contest=contest, student=student).first()
        if existing is not None:
            return _attempt_existing(existing, now=now)
        enrollment = selectors.student_enrollment_in_scope(contest=contest, student=student)
        if enrollment is None:
            raise ContestError(_("Em không thuộc đối tượng tham gia cuộc thi này."), status=403,
                               reason=Reason.OUT_OF_SCOPE)
        if contest.phase(now) != Phase.OPEN:
            raise ContestError(
                _("Cuộc thi hiện không mở. Em chỉ có thể bắt đầu trong thời gian mở của cuộc thi."),
                reason=Reason.NOT_OPEN, detail=contest.phase(now),
            )
        seed = secrets.token_hex(8)
        deadline = min(now + timedelta(minutes=contest.time_limit_minutes), contest.closes_at)
        try:
            with transaction.atomic():
                return Attempt.objects.create(
                    contest=contest, student=student, school=enrollment.classroom.school,
                    classroom=enrollment.classroom, seed=seed, started_at=now, deadline=deadline,
                    question_ids=selectors.contest_draw(contest=contest, seed=f"{contest.draw_salt}:{seed}"),
                )
        except IntegrityError:
            return _attempt_existing(Attempt.objects.get(contest=contest, student=student), now=now)


def _attempt_existing(attempt: Attempt, *, now: datetime) -> Attempt:
    """A start request when an attempt exists: continue it while it runs; a second attempt is refused."""
    attempt_finalise_if_expired(attempt=attempt, now=now)
    if attempt.is_finished:
        raise ContestError(_("Em đã làm bài cuộc thi này. Mỗi học sinh chỉ được thi một lần."),
                           reason=Reason.SECOND_ATTEMPT, attempt=attempt)
    return attempt


def _refuse_unless_running(attempt: Attempt, *, now: datetime, what: str) -> None:
    """Refuse a change to an attempt past its deadline or already finished."""
    if attempt.finish == Attempt.Finish.EXPIRED or now >= attempt.deadline:
        raise ContestError(
            _("Đã hết giờ làm bài. Bài của em đã được ghi nhận với các câu trả lời đã lưu trước đó."),
            reason=Reason.LATE, attempt=attempt, detail=what,
        )
    if attempt.is_finished:
        raise ContestError(_("Em đã nộp bài, không thể thay đổi câu trả lời nữa."),
                           reason=Reason.FINISHED, attempt=attempt, detail=what)


def _lock_running(*, attempt: Attempt, now: datetime, what: str) -> Attempt:
    """Lock the attempt row and check again that it still runs (call inside a transaction)."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    _refuse_unless_running(locked, now=now, what=what)
    return locked


def answer_save(*, attempt: Attempt, question_id: int, values: Sequence[str], now: datetime) -> None:
    """Save (or overwrite) the answer to one drawn question while the attempt runs.

    ``values`` are display positions as posted by the sheet (see ``answer_sheet``).
    """
    with _refusals_recorded(contest=attempt.contest, student=attempt.student, now=now):
        attempt_finalise_if_expired(attempt=attempt, now=now)
        _refuse_unless_running(attempt, now=now, what=f"answer {question_id}")
        if question_id not in attempt.question_ids:
            raise ContestError(_("Câu hỏi này không có trong đề của em."), reason=Reason.FOREIGN_QUESTION,
                               attempt=attempt, detail=f"question {question_id}")
        loaded = questions_load([question_id])[question_id]
        try:
            wire = decode(loaded.key, question_seed(attempt.seed, question_id), values)
            response = parse_response(loaded.key, wire)
        except InvalidResponse as error:
            raise ContestError(error.message) from error
        with transaction.atomic():
            locked = _lock_running(attempt=attempt, now=now, what=f"answer {question_id}")
            values = {"response": response_to_raw(response), "is_correct": grade(loaded.key, response), "saved_at": now}
            # The attempt row is locked, so update-then-insert cannot race with another save of this attempt.
            if not AttemptAnswer.objects.filter(attempt=locked, question_id=question_id).update(**values):
                AttemptAnswer.objects.create(attempt=locked, question_id=question_id, **values)


def _estimate_clean(estimate: str | int | None) -> int | None:
    if estimate in (None, ""):
        return None
    try:
        value = int(estimate)
    except (TypeError, ValueError):
        raise ContestError(_("Số dự đoán phải là một số nguyên không âm.")) from None
    if not 0 <= value <= MAX_ESTIMATE:
        raise ContestError(_("Số dự đoán phải từ 0 đến %(max)d.") % {"max": MAX_ESTIMATE})
    return value


def attempt_estimate_save(*, attempt: Attempt, estimate: str | int | None, now: datetime) -> Attempt:
    """Save the tie-break estimate (number of participants) while the attempt runs."""
    if not attempt.contest.tiebreak_enabled:
        raise ContestError(_("Cuộc thi này không có câu hỏi phụ."))
    value = _estimate_clean(estimate)
    with _refusals_recorded(contest=attempt.contest, student=attempt.student, now=now):
        attempt_finalise_if_expired(attempt=attempt, now=now)
        with transaction.atomic():
            locked = _lock_running(attempt=attempt, now=now, what="estimate")
            locked.tiebreak_estimate = value
            locked.save(update_fields=["tiebreak_estimate"])
        return locked


def attempt_submit(*, attempt: Attempt, now: datetime, estimate: str | int | None = None) -> Attempt:
    """Submit the attempt: final, scored from the saved answers, time used = now − start."""
    value = _estimate_clean(estimate) if attempt.contest.tiebreak_enabled else None
    with _refusals_recorded(contest=attempt.contest, student=attempt.student, now=now):
        attempt_finalise_if_expired(attempt=attempt, now=now)
        with transaction.atomic():
            locked = _lock_running(attempt=attempt, now=now, what="submit")
            if value is not None:
                locked.tiebreak_estimate = value
            locked.finished_at = now
            locked.finish = Attempt.Finish.SUBMITTED
            locked.score = locked.answers.filter(is_correct=True).count()
            locked.save(update_fields=["tiebreak_estimate", "finished_at", "finish", "score"])
        return locked


def attempts_finalise_expired(*, now: datetime, contest: OnlineContest | None = None,
                              attempt: Attempt | None = None) -> int:
    """Close every running attempt past its deadline with the answers it saved; return how many.

    One UPDATE, so a concurrent submit (which locks the row and re-checks) never double-finishes.
    """
    correct = (
        AttemptAnswer.objects.filter(attempt=OuterRef("pk"), is_correct=True)
        .values("attempt").annotate(n=Count("pk")).values("n")
    )
    expired = Attempt.objects.filter(finished_at__isnull=True, deadline__lte=now)
    if contest is not None:
        expired = expired.filter(contest=contest)
    if attempt is not None:
        expired = expired.filter(pk=attempt.pk)
    with transaction.atomic():
        return expired.update(
            finished_at=F("deadline"), finish=Attempt.Finish.EXPIRED, score=Coalesce(Subquery(correct), 0)
        )


def attempt_finalise_if_expired(*, attempt: Attempt, now: datetime) -> Attempt:
    """Lazily close one attempt whose time is up; refreshes ``attempt`` in place."""
    if attempt.finished_at is None and now >= attempt.deadline:
        attempts_finalise_expired(now=now, attempt=attempt)
        attempt.refresh_from_db(fields=["finished_at", "finish", "score", "deadline"])
    return attempt


@transaction.atomic
def contest_results_publish(*, contest: OnlineContest, now: datetime) -> OnlineContest:
    """Freeze ranks, prizes and school results of a closed contest and make them public."""
    contest = OnlineContest.objects.select_for_update().get(pk=contest.pk)
    if contest.phase(now) != Phase.CLOSED:
        raise ContestError(_("Chỉ công bố kết quả sau khi cuộc thi đã đóng và trước khi đã công bố."))
    attempts_finalise_expired(now=now, contest=contest)
    standings = selectors.contest_standings(contest=contest)
    for standing in standings:
        standing.attempt.rank = standing.rank
        standing.attempt.prize = standing.prize
        standing.attempt.score = standing.score
    Attempt.objects.bulk_update([s.attempt for s in standings], ["rank", "prize", "score"], batch_size=500)
    SchoolResult.objects.filter(contest=contest).delete()
    SchoolResult.objects.bulk_create(
        SchoolResult(contest=contest, school=row.school, enrolled=row.enrolled, participants=row.participants,
                     rank=row.rank, awarded=row.awarded)
        for row in selectors.contest_school_participation(contest=contest)
    )
    contest.participant_count = len(standings)
    contest.status = OnlineContest.Status.PUBLISHED
    contest.published_at = now
    contest.save(update_fields=["participant_count", "status", "published_at"])
    return contest



PRIZE_CERTIFICATE_KINDS = {
    Prize.FIRST: Certificate.Kind.AWARD_FIRST,
    Prize.SECOND: Certificate.Kind.AWARD_SECOND,
    Prize.THIRD: Certificate.Kind.AWARD_THIRD,
    Prize.CONSOLATION: Certificate.Kind.AWARD_CONSOLATION,
}


@transaction.atomic
def contest_award_certificates_issue(*, contest: OnlineContest, issued_by: User) -> ClassIssueReport:
    """Issue the organising committee's "Giấy chứng nhận đạt giải" to every prize winner of published results.

    Winners without recorded consent are skipped with the reason; issuing again returns the existing ones.
    """
    winners = list(selectors.published_prize_winners(contest=contest))
    if not winners:
        raise ValidationError(_("Chỉ cấp giấy chứng nhận sau khi đã công bố kết quả có người đạt giải."))
    report = ClassIssueReport()
    committee = contest.organizer_name.upper()
    # A certificate is an official Vietnamese document, whatever language the organiser reads the site in.
    with translation.override(settings.LANGUAGE_CODE):
        issuer_line = _("%(committee)s CHỨNG NHẬN") % {"committee": committee}
        signer_title = _("TM. BAN TỔ CHỨC\nTRƯỞNG BAN")
        achievements = {
            prize: _("Đạt %(prize)s cuộc thi «%(name)s»") % {"prize": Prize(prize).label, "name": contest.name}
            for prize in {attempt.prize for attempt in winners}
        }
    for attempt in winners:
        source_key = f"online-contest:{contest.pk}:{attempt.prize}"
        try:
            with transaction.atomic():
                certificate = certificate_issue_award(
                    student=attempt.student,
                    school=attempt.school,
                    kind=PRIZE_CERTIFICATE_KINDS[attempt.prize],
                    achievement_lines=[achievements[attempt.prize]],
                    issuer_line=issuer_line,
                    signer_title=signer_title,
                    signer_name="",
                    source_key=source_key,
                    issued_by=issued_by,
                )
        except ValidationError as error:
            report.skipped.append((attempt.student, " ".join(error.messages)))
        else:
            report.issued.append(certificate)
    return report
