"""Demo progress for `make run`: some students trained (hs.demo among them), some partway, some not started.

Everything goes through the real services (simulations, attempts, answers,
submissions, ratings), then the demo's dates are spread over the school year so
coverage charts have a history. Idempotent: a student who already has practice
attempts is left alone.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from lessons import grading, selectors, services, sim_procedure, sim_tracking, simulations
from lessons.keys import question_answer_key
from lessons.models import (
    CourseCompletion,
    Lesson,
    LessonCompletion,
    PracticeAnswer,
    PracticeAttempt,
    Question,
    Quiz,
)
from schools.models import User

TRAINED = {0, 3, 7, 11, 18, 21, 34, 40}  # indexes into world.students; 0 is hs.demo
PARTWAY_EVERY = 2  # every other remaining student of the first classes has started
COMMENTS = [
    "Bài dễ hiểu, ví dụ gần gũi.",
    "Phần mô phỏng rất hay, em đã chỉ cho mẹ cách nộp hồ sơ.",
    "Em mong có thêm video hướng dẫn.",
    "",
    "Câu hỏi sắp xếp hơi khó nhưng bổ ích.",
]


def complete_simulation(student: User, simulation: str, today) -> None:
    """Walk through a simulation with valid input, through the services (also used by tests)."""
    if simulation == sim_procedure.PROCEDURE:
        for data in sim_procedure.walkthrough():
            services.simulation_procedure_submit(student=student, data=data)
        return
    if simulation == sim_tracking.TRACKING:
        code = services.simulation_tracking_open(student=student, today=today).state["code"]
        for data in sim_tracking.walkthrough(code):
            services.simulation_tracking_submit(student=student, data=data, today=today)
        return
    if simulation == simulations.PORTAL:
        inputs = [
            {"action": "scan"},
            {"decision": "confirm", "passcode": simulations.MOCK_PASSCODE},
            {"procedure": "tam-tru"},
            {"identity_ok": "on", "address": "Số 1, đường Mô Phỏng, phường Thử Nghiệm", "phone": "0900000000",
             "delivery": "online", "confirm": "on"},
            {"source": "store", "stored_document": next(iter(simulations.STORED_DOCUMENTS))},
            {"choice": simulations.TRAP_SAFE},
            {"method": "app"},
        ]
        for data in inputs:
            services.simulation_portal_submit(student=student, data=data)
        otp = selectors.simulation_progress(student=student, simulation=simulation).state["otp"]
        services.simulation_portal_submit(
            student=student, data={"check_payee": "on", "check_amount": "on", "otp": otp}
        )
        refreshes = [{"refresh": "1"}] * (len(simulations.TRACK_STATES) - 1)
        for data in [{"save": "on"}, *refreshes, {"save": "on"}]:
            services.simulation_portal_submit(student=student, data=data)
    else:
        for site in simulations.SITES:
            services.simulation_site_classify(student=student, site_id=site.id, verdict="real" if site.is_real else "fake")


def wrong_raw(key: grading.AnswerKey) -> list[str]:
    """A well-formed but wrong response, for realistic demo scores (also used by tests)."""
    if key.kind in (grading.SINGLE, grading.TRUEFALSE):
        return [next(choice for choice in key.choice_ids if choice not in key.correct)]
    if key.kind == grading.MULTIPLE:
        return sorted(key.correct)[:1]
    if key.kind == grading.ORDERING:
        return list(reversed(key.order))
    lefts = list(key.pairs)
    return [f"{left}{grading.PAIR_SEPARATOR}{key.pairs[lefts[i - 1]]}" for i, left in enumerate(lefts)]


def _practice(student: User, lesson: Lesson, *, wrong: int, seed: str) -> PracticeAttempt:
    attempt = services.attempt_start(student=student, lesson=lesson, seed=seed)
    questions = Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices").in_bulk()
    answers = []
    for index, pk in enumerate(attempt.question_ids):
        key = question_answer_key(questions[pk])
        raw = wrong_raw(key) if index < wrong else grading.response_to_raw(grading.correct_response(key))
        response = grading.parse_response(key, raw)
        answers.append(PracticeAnswer(attempt=attempt, question_id=pk, response=raw,
                                      is_correct=grading.grade(key, response)))
    # Answers in bulk keep `make run` quick; scoring and completion go through the services.
    PracticeAnswer.objects.bulk_create(answers)
    return services.attempt_submit(attempt=attempt).attempt


def _study(student: User, lessons: list[Lesson], rng: random.Random, today) -> None:
    for lesson in lessons:
        if lesson.simulation_required:
            complete_simulation(student, lesson.simulation, today)
        if rng.random() < 0.25:  # a first try below the mastery threshold, then a retry
            _practice(student, lesson, wrong=4, seed=f"demo-{student.pk}-{lesson.key}-0")
        _practice(student, lesson, wrong=rng.choice([0, 0, 1, 2]), seed=f"demo-{student.pk}-{lesson.key}-1")
        if rng.random() < 0.4:
            services.lesson_rate(student=student, lesson=lesson, stars=rng.choice([3, 4, 4, 5, 5]),
                                 comment=rng.choice(COMMENTS))


def _spread_dates(student: User, start: datetime, rng: random.Random) -> None:
    """Demo history: lessons done a week or so apart from the start of the school year."""
    moment = start + timedelta(days=rng.randint(10, 40))
    last = None
    for completion in LessonCompletion.objects.filter(student=student).select_related("lesson").order_by(
        "lesson__order"
    ):
        moment += timedelta(days=rng.randint(3, 12), minutes=rng.randint(0, 600))
        moment = min(moment, timezone.now())
        LessonCompletion.objects.filter(pk=completion.pk).update(completed_at=moment)
        PracticeAttempt.objects.filter(student=student, lesson=completion.lesson).update(
            started_at=moment - timedelta(minutes=15), submitted_at=moment
        )
        last = moment
    if last:
        CourseCompletion.objects.filter(student=student).update(trained_at=last)


def _teacher_quiz(world) -> None:
    quiz = Quiz.objects.filter(owner=world.teacher, title="Ôn tập an toàn trên mạng").first()
    if quiz:
        return
    quiz = services.quiz_create(owner=world.teacher, school=world.schools[0], title="Ôn tập an toàn trên mạng")
    services.quiz_import(quiz=quiz, rows=[
        services.QuestionData("single", "Địa chỉ nào là Cổng Dịch vụ công quốc gia?",
                              "Tên miền của cổng là dichvucong.gov.vn; hãy lấy địa chỉ từ nguồn chính thức và tự gõ.",
                              [("dichvucong.gov.vn", True), ("dichvucong.cvgov.com", False), ("dichvucongs.top", False)]),
        services.QuestionData("truefalse", "Được phép đọc mã OTP cho người tự xưng là công an.",
                              "Không bao giờ chia sẻ mã OTP với bất kỳ ai.", [("Đúng", False), ("Sai", True)]),
        services.QuestionData("multiple", "Những cách nào giúp tài khoản an toàn hơn?",
                              "Mật khẩu mạnh và xác thực hai lớp bảo vệ tài khoản; chia sẻ mật khẩu thì không.",
                              [("Đặt mật khẩu mạnh", True), ("Bật xác thực hai lớp", True),
                               ("Chia sẻ mật khẩu cho bạn thân", False)]),
        services.QuestionData("ordering", "Sắp xếp các bước kiểm tra một địa chỉ web.",
                              "Xem địa chỉ đến từ đâu, tách tên miền rồi đọc nó từ phải sang trái để tìm dấu hiệu lạ.",
                              [("Xem địa chỉ đến từ nguồn chính thức hay từ một tin nhắn", False),
                               ("Tách tên miền: phần ngay trước dấu “/” đầu tiên", False),
                               ("Đọc tên miền từ phải sang trái, tìm chữ na ná, chữ thêm vào, đuôi lạ", False)]),
    ])


def seed(world) -> None:
    course = selectors.course_default() or services.curriculum_load().course
    lessons = list(selectors.course_lessons(course))
    required = [lesson for lesson in lessons if lesson.required]
    rng = random.Random(2025)  # noqa: S311 - demo data, deterministic on purpose
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(world.year.starts_on, time(8)))
    for index, student in enumerate(world.students):
        if PracticeAttempt.objects.filter(student=student).exists():
            continue
        if index in TRAINED:
            chosen = required
        elif index < 45 and index % PARTWAY_EVERY == 1:
            chosen = lessons[: rng.randint(1, len(lessons) - 2)]
        else:
            continue
        _study(student, chosen, rng, today)
        _spread_dates(student, start, rng)
    for lesson, days in zip(lessons[:3], (14, 28, 45), strict=True):
        services.assignment_save(
            classroom=world.classrooms[0], lesson=lesson, due_on=world.year.starts_on + timedelta(days=days),
            assigned_by=world.teacher,
        )
    _teacher_quiz(world)
