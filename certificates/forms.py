from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.codes import LENGTH, MAX_INPUT, CodeFormatError, CodeProblem, code_normalize
from lessons.models import Course
from schools.models import Classroom, School

CODE_MESSAGES = {
    CodeProblem.EMPTY: _("Hãy nhập mã xác thực in dưới mã QR của giấy chứng nhận."),
    CodeProblem.BAD_SYMBOL: _(
        "Mã xác thực chỉ gồm chữ số và chữ cái Latinh không dấu (không có chữ U). Ký tự không hợp lệ: %(detail)s"
    ),
    CodeProblem.WRONG_LENGTH: _(
        "Mã xác thực gồm %(length)s ký tự (7 nhóm, mỗi nhóm 4 ký tự); mã vừa nhập có %(detail)s ký tự."
    ),
    CodeProblem.CHECK_FAILED: _(
        "Mã xác thực không đúng, có thể đã gõ nhầm một ký tự. Hãy so lại từng nhóm 4 ký tự với giấy chứng nhận."
    ),
}


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=MAX_INPUT,
        required=False,
        help_text=_("Ví dụ: K7QF-3M9X-P2TA-…; không phân biệt chữ hoa, chữ thường, có hay không có dấu gạch."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        try:
            return code_normalize(self.cleaned_data["code"])
        except CodeFormatError as error:
            raise forms.ValidationError(
                CODE_MESSAGES[error.problem] % {"detail": error.detail, "length": LENGTH}, code=error.problem.value
            ) from error


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=500)


class ClassroomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Classroom) -> str:
        return f"{obj.name} ({obj.school_year.name})"


def _school_classrooms(school: School):
    return school.classrooms.select_related("school_year").order_by("-school_year__starts_on", "grade", "name")


class ClassIssueForm(forms.Form):
    classroom = ClassroomChoiceField(label=_("Lớp"), queryset=Classroom.objects.none(), empty_label=None)
    course = forms.ModelChoiceField(label=_("Khóa học"), queryset=Course.objects.order_by("title"), empty_label=None)

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].queryset = _school_classrooms(school)


class ClassFilterForm(forms.Form):
    classroom = ClassroomChoiceField(
        label=_("Lọc theo lớp"), queryset=Classroom.objects.none(), required=False, empty_label=_("Tất cả các lớp")
    )

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].queryset = _school_classrooms(school)
