from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coverage.models import GuidedPerson, Target
from schools.models import SchoolYear, User

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
MAX_EXPORT_DAYS = 400


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, input_formats=DATE_FORMATS, widget=DateInput(),
        error_messages={"invalid": _("Ngày không hợp lệ (dạng ngày/tháng/năm).")}, **kwargs,
    )


class CutoffForm(forms.Form):
    """Which school year and which day the figures are "as of" (presets: first-term and end-of-year reports)."""

    PRESETS = [
        ("", _("Hôm nay")),
        ("first_term", _("Báo cáo học kỳ I")),
        ("end_of_year", _("Báo cáo cuối năm học")),
    ]

    year = forms.ModelChoiceField(
        label=_("Năm học"), queryset=SchoolYear.objects.all(), required=False, empty_label=_("Năm học hiện tại")
    )
    preset = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PRESETS, required=False)
    as_of = date_field(_("Tính đến ngày"), required=False)

    def school_year(self) -> SchoolYear | None:
        return self.cleaned_data.get("year") or SchoolYear.current()

    def cutoff(self, today: date) -> date | None:
        """The cut-off day: a preset's day, the chosen day, or today (never past the year's end)."""
        year = self.school_year()
        if year is None:
            return None
        preset = self.cleaned_data.get("preset")
        if preset == "first_term":
            return year.first_term_ends_on
        if preset == "end_of_year":
            return year.ends_on
        return self.cleaned_data.get("as_of") or min(today, year.ends_on)


class DateRangeForm(forms.Form):
    date_from = date_field(_("Từ ngày"))
    date_to = date_field(_("Đến ngày"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                raise ValidationError(_("“Từ ngày” phải trước hoặc bằng “Đến ngày”."))
            if end - start > timedelta(days=MAX_EXPORT_DAYS):
                raise ValidationError(_("Mỗi lần xuất tối đa %(n)s ngày.") % {"n": MAX_EXPORT_DAYS})
        return cleaned


class TrainingSessionForm(forms.Form):
    lesson = forms.ModelChoiceField(label=_("Bài học"), queryset=None, empty_label=_("— Chọn bài —"))
    held_on = date_field(_("Ngày dạy"))
    attendees = forms.ModelMultipleChoiceField(
        label=_("Học sinh có mặt"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Hãy chọn ít nhất một học sinh có mặt.")},
    )

    def __init__(self, *args, lessons, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = lessons
        self.fields["attendees"].queryset = students
        self.fields["attendees"].label_from_instance = lambda s: s.full_name


class GuidedPersonForm(forms.ModelForm):
    guided_on = date_field(_("Ngày hướng dẫn"))

    class Meta:
        model = GuidedPerson
        fields = ["relationship", "procedure", "guided_on", "fully_online"]
        help_texts = {
            "fully_online": _("Đánh dấu nếu mọi bước, từ nộp hồ sơ tới nhận kết quả, đều làm trên mạng."),
        }


class TargetForm(forms.ModelForm):
    deadline = date_field(_("Thời hạn"))

    class Meta:
        model = Target
        fields = ["share_percent", "deadline", "label"]
        error_messages = {
            "share_percent": {"invalid": _("Hãy nhập một số từ 1 đến 100.")},
        }

    def clean_share_percent(self):
        value = self.cleaned_data["share_percent"]
        if not 1 <= value <= 100:
            raise ValidationError(_("Tỷ lệ phải từ 1 đến 100%."))
        return value


class RolloverForm(forms.Form):
    target_year = forms.ModelChoiceField(label=_("Chuyển sang năm học"), queryset=SchoolYear.objects.none())

    def __init__(self, *args, source: SchoolYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_year"].queryset = SchoolYear.objects.filter(starts_on__gt=source.starts_on).order_by(
            "starts_on"
        )
