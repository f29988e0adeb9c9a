"""Demo online contests for `make run` (idempotent; needs the curriculum loaded first).

- an open school contest at THPT Phan Bội Châu: open now for 10 days, 20 questions
  drawn 2–3 from each lesson's practice pool, 15 minutes, prizes scaled down;
- a closed province contest of the Sở with attempts from both schools and its
  results published, so the results page shows something.
"""

import random
from datetime import timedelta

from django.utils import timezone

from lessons.grading import correct_response, response_to_raw
from lessons.models import Quiz
from online_contests import services
from online_contests.answer_sheet import encode
from online_contests.models import OnlineContest
from online_contests.questions import question_seed, questions_load

OPEN_NAME = "Học sinh THPT Phan Bội Châu với dịch vụ công trực tuyến"
CLOSED_NAME = "Em tìm hiểu định danh điện tử và dịch vụ công – tỉnh Gia Lai"
POOL_COUNTS = {"l1": 3, "l2": 3, "l3": 3, "l4": 2, "l5": 2, "l6": 2, "l7": 3, "l8": 2}
RULES = """**Đối tượng:** học sinh các khối 10, 11, 12 của trường.

- Mỗi em được thi **một lần**, làm bài trong thời gian quy định kể từ khi bấm “Bắt đầu”.
- Câu trả lời được lưu ngay khi chọn; có thể sửa cho đến khi nộp bài.
- Hết giờ, bài tự nộp với các câu đã lưu.
- Xếp hạng theo số câu đúng, sau đó thời gian làm bài ngắn hơn.
"""


def _pools() -> dict[Quiz, int]:
    quizzes = Quiz.objects.filter(lesson__key__in=POOL_COUNTS).select_related("lesson")
    return {quiz: min(POOL_COUNTS[quiz.lesson.key], quiz.questions.filter(is_retired=False).count())
            for quiz in quizzes}


def _fields(name: str, organiser: str, opens_at, closes_at, prizes, **extra) -> dict:
    first, second, third, consolation = prizes
    return {
        "name": name, "organizer_name": organiser, "grades": [10, 11, 12], "opens_at": opens_at,
        "closes_at": closes_at, "time_limit_minutes": 15, "prize_first": first, "prize_second": second,
        "prize_third": third, "prize_consolation": consolation, "rules_md": RULES, **extra,
    }


def seed(world) -> None:
    pools = {quiz: count for quiz, count in _pools().items() if count}
    if not pools:
        return
    now = timezone.now()
    school = world.schools[0]
    if not OnlineContest.objects.filter(school=school, name=OPEN_NAME).exists():
        contest = services.contest_create(
            created_by=world.school_admin, school=school, schools=[school], pool_counts=pools,
            fields=_fields(OPEN_NAME, "Ban Tổ chức – Trường THPT Phan Bội Châu", now - timedelta(minutes=5),
                           now + timedelta(days=10), (1, 2, 3, 5)),
        )
        services.contest_schedule(contest=contest, now=now)
    if not OnlineContest.objects.filter(province=world.province, name=CLOSED_NAME).exists():
        _seed_closed(world, pools, now)


def _seed_closed(world, pools, now) -> None:
    opens_at = now - timedelta(days=40)
    contest = services.contest_create(
        created_by=world.province_admin, province=world.province, schools=world.schools, pool_counts=pools,
        fields=_fields(CLOSED_NAME, "Ban Tổ chức – Sở Giáo dục và Đào tạo tỉnh Gia Lai", opens_at,
                       opens_at + timedelta(days=10), (1, 2, 3, 5), tiebreak_enabled=True, school_award_count=1),
    )
    contest = services.contest_schedule(contest=contest, now=opens_at - timedelta(days=1))
    rng = random.Random(1010)  # noqa: S311 - demo data
    for index, student in enumerate(world.students):
        if index % 2:  # about half take part, so the results have something to rank without a slow seed
            continue
        started = opens_at + timedelta(days=rng.randint(0, 8), minutes=rng.randint(0, 600))
        attempt = services.attempt_start(contest=contest, student=student, now=started)
        skill = rng.uniform(0.4, 0.95)
        loaded = questions_load(attempt.question_ids)
        moment = started
        for question_id in attempt.question_ids:
            moment += timedelta(seconds=rng.randint(12, 35))
            if rng.random() > skill:
                continue
            key = loaded[question_id].key
            values = encode(key, question_seed(attempt.seed, question_id), response_to_raw(correct_response(key)))
            services.answer_save(attempt=attempt, question_id=question_id, values=values, now=moment)
        services.attempt_submit(attempt=attempt, now=moment + timedelta(seconds=rng.randint(5, 60)),
                                estimate=rng.randint(20, 70))
    services.contest_results_publish(contest=contest, now=now)
