from django import forms
from django.utils.translation import gettext_lazy as _

from contests import selectors
from contests.models import TIME_LIMIT_MAX_S, TIME_LIMIT_MIN_S, Contest
from contests.services import TEAM_COUNT_MAX
from schools.access import classrooms_taught
from schools.models import SchoolYear


class QuizChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(title)s — %(live)s/%(total)s câu dùng được cho thi trực tiếp") % {
            "title": obj.title, "live": obj.live_count, "total": obj.question_count,
        }


class ContestCreateForm(forms.Form):
    title = forms.CharField(label=_("Tên cuộc thi"), max_length=200, initial=_("Rung chuông vàng DVCTT"))
    quiz = QuizChoiceField(
        label=_("Bộ câu hỏi"), queryset=None, empty_label=None,
        help_text=_("Chỉ câu một lựa chọn, nhiều lựa chọn, đúng/sai và sắp xếp thứ tự được dùng; câu ghép nối bị bỏ qua."),
    )
    access = forms.ChoiceField(
        label=_("Ai được tham gia"), choices=Contest.Access.choices, initial=Contest.Access.CLASSES,
        widget=forms.RadioSelect,
    )
    classrooms = forms.ModelMultipleChoiceField(
        label=_("Lớp"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
    )
    time_limit_s = forms.IntegerField(
        label=_("Thời gian mỗi câu (giây)"), min_value=TIME_LIMIT_MIN_S, max_value=TIME_LIMIT_MAX_S, initial=20,
    )
    shuffle_questions = forms.BooleanField(label=_("Xáo trộn thứ tự câu hỏi"), required=False)
    shuffle_choices = forms.BooleanField(label=_("Xáo trộn đáp án cho từng người chơi"), required=False, initial=True)
    show_leaderboard = forms.BooleanField(label=_("Hiện bảng xếp hạng sau mỗi câu"), required=False, initial=True)
    play_mode = forms.ChoiceField(
        label=_("Hình thức thi"), choices=Contest.PlayMode.choices, initial=Contest.PlayMode.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    team_count = forms.IntegerField(
        label=_("Số đội (khi thi theo đội)"), min_value=2, max_value=TEAM_COUNT_MAX, required=False, initial=4,
    )

    def __init__(self, *args, user, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = selectors.quizzes_for_contest(user, school)
        self.fields["classrooms"].queryset = classrooms_taught(user).filter(
            school=school, school_year=SchoolYear.current()
        ).order_by("grade", "name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("access") == Contest.Access.CLASSES and not cleaned.get("classrooms"):
            self.add_error("classrooms", _("Hãy chọn ít nhất một lớp, hoặc cho phép mọi người có mã PIN tham gia."))
        if cleaned.get("play_mode") == Contest.PlayMode.TEAMS and not cleaned.get("team_count"):
            self.add_error("team_count", _("Hãy nhập số đội (từ 2 đến 8)."))
        return cleaned


class JoinForm(forms.Form):
    pin = forms.RegexField(
        label=_("Mã PIN"), regex=r"^\s*[0-9]{6}\s*$", max_length=12,
        error_messages={"invalid": _("Mã PIN gồm 6 chữ số, ví dụ 482913.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True}),
    )

    def clean_pin(self):
        return self.cleaned_data["pin"].strip()

