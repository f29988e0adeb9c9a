"""Forms of the roster, login-slip and consent pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import User
from schools.roster_parsing import MAX_FILE_BYTES

ROSTER_EXTENSIONS = (".xlsx", ".xls", ".csv", ".txt")


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách học sinh"),
        help_text=_("Tệp Excel (.xlsx, .xls) xuất từ CSDL ngành hoặc theo mẫu, hoặc tệp CSV; tối đa 5 MB."),
        error_messages={"required": _("Hãy chọn tệp danh sách."), "empty": _("Tệp rỗng.")},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ROSTER_EXTENSIONS)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("Tệp lớn hơn 5 MB. Hãy bỏ các cột và trang tính không cần rồi tải lên lại."))
        if not upload.name.lower().endswith(ROSTER_EXTENSIONS):
            raise ValidationError(_("Chỉ nhận tệp Excel (.xlsx, .xls) hoặc CSV (.csv)."))
        return upload


class ClassConsentForm(forms.Form):
    """Guardian's and student's consent for every student of a class, recorded on one date."""

    recorded_on = forms.DateField(
        label=_("Ngày nhận phiếu đồng ý"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Áp dụng cho các ô thầy/cô thay đổi lần này."),
    )

    def __init__(self, *args, students: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recorded_on"].initial = timezone.localdate()
        self.students = students
        for student in students:
            consent = getattr(student, "consent", None)
            self.fields[f"guardian_{student.pk}"] = forms.BooleanField(
                label=_("Phụ huynh đồng ý"), required=False, initial=bool(consent and consent.guardian_given)
            )
            self.fields[f"student_{student.pk}"] = forms.BooleanField(
                label=_("Học sinh đồng ý"), required=False, initial=bool(consent and consent.student_given)
            )

    def clean_recorded_on(self):
        recorded_on = self.cleaned_data["recorded_on"]
        if recorded_on > timezone.localdate():
            raise ValidationError(_("Ngày ghi nhận không được ở sau hôm nay."))
        return recorded_on

    def rows(self) -> list[dict]:
        """Per student, in the students' order: the two fields, the consent record and its status today."""
        today = timezone.localdate()
        rows = []
        for student in self.students:
            consent = getattr(student, "consent", None)
            rows.append(
                {
                    "student": student,
                    "guardian": self[f"guardian_{student.pk}"],
                    "own": self[f"student_{student.pk}"],
                    "consent": consent,
                    "complete": bool(consent and consent.is_complete(today)),
                    "status": consent.status_label(today) if consent else _("Chưa có"),
                    "adult": (student.age_on(today) or 0) >= 18,
                }
            )
        return rows

    def entries(self) -> list[tuple[User, bool, bool]]:
        return [
            (student, self.cleaned_data[f"guardian_{student.pk}"], self.cleaned_data[f"student_{student.pk}"])
            for student in self.students
        ]


class SlipReissueForm(forms.Form):
    """Choose the students who get a new slip password; ``confirm`` is set by the confirmation step."""

    students = forms.ModelMultipleChoiceField(
        label=_("Học sinh"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Hãy chọn ít nhất một học sinh.")},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = students
        self.fields["students"].label_from_instance = lambda student: f"{student.full_name} ({student.username})"
