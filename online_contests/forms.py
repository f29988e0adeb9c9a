from datetime import datetime

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lessons.models import Quiz
from online_contests.models import OnlineContest
from schools.models import School

GRADE_CHOICES = [(10, _("Khối 10")), (11, _("Khối 11")), (12, _("Khối 12"))]
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ContestForm(forms.ModelForm):
    """A contest's settings plus one count field per available question pool (``pool_<quiz id>``).

    The organiser's scope decides which schools may be chosen; a school contest
    has exactly its own school. Dates are read in the site's time zone
    (Asia/Ho_Chi_Minh) and stored aware.
    """

    grades = forms.TypedMultipleChoiceField(
        label=_("Khối lớp tham gia"), choices=GRADE_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Hãy chọn ít nhất một khối lớp.")},
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Thời gian làm bài (phút)"), min_value=1, max_value=300,
        help_text=_("Từ 1 đến 300 phút. Hết giờ, bài tự nộp với các câu đã lưu."),
        error_messages={
            "required": _("Hãy nhập thời gian làm bài."),
            "min_value": _("Thời gian làm bài phải từ 1 đến 300 phút."),
            "max_value": _("Thời gian làm bài phải từ 1 đến 300 phút."),
            "invalid": _("Hãy nhập số phút là một số nguyên."),
        },
    )
    schools = forms.ModelMultipleChoiceField(
        label=_("Trường tham gia"), queryset=School.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Hãy chọn ít nhất một trường.")},
    )

    class Meta:
        model = OnlineContest
        fields = [
            "name", "organizer_name", "opens_at", "closes_at", "time_limit_minutes", "tiebreak_enabled",
            "prize_first", "prize_second", "prize_third", "prize_consolation", "school_award_count", "rules_md",
        ]
        widgets = {
            "opens_at": DATETIME_INPUT,
            "closes_at": DATETIME_INPUT,
            "rules_md": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "rules_md": _("Viết bằng Markdown: **đậm**, *nghiêng*, danh sách bắt đầu bằng dấu “-”."),
            "tiebreak_enabled": _("Dùng để xếp hạng khi bằng điểm và bằng thời gian."),
        }
        error_messages = {
            "name": {"required": _("Hãy nhập tên cuộc thi.")},
            "organizer_name": {"required": _("Hãy nhập tên Ban Tổ chức.")},
            "opens_at": {"required": _("Hãy nhập thời điểm mở."), "invalid": _("Thời điểm không hợp lệ.")},
            "closes_at": {"required": _("Hãy nhập thời điểm đóng."), "invalid": _("Thời điểm không hợp lệ.")},
        }

    def __init__(self, *args, schools: QuerySet[School], quizzes: QuerySet[Quiz], now: datetime,
                 fixed_school: School | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        self.fixed_school = fixed_school
        self.quizzes = list(quizzes)
        if fixed_school is not None:
            del self.fields["schools"]
            del self.fields["school_award_count"]
        else:
            self.fields["schools"].queryset = schools
        pools = {pool.quiz_id: pool.count for pool in self.instance.pools.all()} if self.instance.pk else {}
        for quiz in self.quizzes:
            self.fields[f"pool_{quiz.pk}"] = forms.IntegerField(
                label=_("%(quiz)s (có %(n)d câu)") % {"quiz": quiz.title, "n": quiz.available},
                min_value=0, max_value=quiz.available, required=False, initial=pools.get(quiz.pk, 0),
                error_messages={
                    "max_value": _("Bộ này chỉ có %(limit_value)s câu."),
                    "min_value": _("Số câu không được âm."),
                    "invalid": _("Hãy nhập số câu là một số nguyên."),
                },
            )
        if self.instance.pk:
            self.initial.setdefault("grades", self.instance.grades)
            if fixed_school is None:
                self.initial.setdefault("schools", list(self.instance.schools.all()))
        else:
            self.initial.setdefault("grades", [10, 11, 12])
            if fixed_school is None:
                self.initial.setdefault("schools", list(schools))

    def pool_fields(self):
        return [self[f"pool_{quiz.pk}"] for quiz in self.quizzes]

    def settings_fields(self):
        return [field for field in self.visible_fields() if not field.name.startswith("pool_")]

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("Thời điểm đóng phải sau thời điểm mở."))
        if closes_at and closes_at <= self.now:
            self.add_error("closes_at", _("Thời điểm đóng phải ở tương lai."))
        if not any(cleaned.get(f"pool_{quiz.pk}") for quiz in self.quizzes):
            self.add_error(None, _("Hãy chọn số câu hỏi lấy từ ít nhất một bộ câu hỏi."))
        return cleaned

    @property
    def pool_counts(self) -> dict[Quiz, int]:
        return {quiz: self.cleaned_data.get(f"pool_{quiz.pk}") or 0 for quiz in self.quizzes}

    @property
    def chosen_schools(self) -> list[School]:
        if self.fixed_school is not None:
            return [self.fixed_school]
        return list(self.cleaned_data["schools"])

    @property
    def contest_fields(self) -> dict:
        names = [*self._meta.fields, "grades"]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}
