from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schools import throttle
from schools.models import Classroom, User


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing further guesses once an account or address has failed too often."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."),
        "throttled": _("Đăng nhập sai quá nhiều lần. Hãy đợi 15 phút rồi thử lại, hoặc nhờ thầy cô cấp lại mật khẩu."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request) if self.request else "unknown"
        if throttle.login_blocked(username=username, ip=ip):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.login_failed(username=username, ip=ip)
            raise
        throttle.login_succeeded(username=username)
        return cleaned


class TeacherCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=100)
    username = forms.RegexField(
        label=_("Tên đăng nhập"), max_length=40, regex=r"^[a-zA-Z0-9._-]+$",
        error_messages={"invalid": _("Chỉ dùng chữ không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới.")},
    )
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"), min_length=8, widget=forms.PasswordInput(render_value=False),
        help_text=_("Ít nhất 8 ký tự. Giáo viên nên đổi mật khẩu sau lần đăng nhập đầu."),
    )


class ClassroomCreateForm(forms.Form):
    name = forms.CharField(label=_("Tên lớp"), max_length=40, help_text=_("Ví dụ: 10A1, 11 Chuyên Tin"))


class TeacherAssignForm(forms.Form):
    teacher = forms.ModelChoiceField(label=_("Giáo viên"), queryset=User.objects.none())
    classroom = forms.ModelChoiceField(label=_("Lớp"), queryset=Classroom.objects.none())
    is_homeroom = forms.BooleanField(label=_("Là giáo viên chủ nhiệm"), required=False)

    def __init__(self, *args, teachers, classrooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers
        self.fields["teacher"].label_from_instance = lambda u: f"{u.full_name} ({u.username})"
        self.fields["classroom"].queryset = classrooms


class StudentCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=100)
    student_key = forms.CharField(
        label=_("Mã học sinh"), max_length=30, required=False,
        help_text=_("Mã của trường hoặc mã định danh Bộ GD&ĐT. Không nhập số CCCD/định danh cá nhân."),
    )
    birth_date = forms.DateField(label=_("Ngày sinh"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                 widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    sex = forms.ChoiceField(label=_("Giới tính"), choices=[("", "—"), *User.Sex.choices], required=False)

    def clean_student_key(self):
        key = self.cleaned_data["student_key"].strip()
        if key.isdigit() and len(key) == 12:
            raise ValidationError(_("Mã gồm 12 chữ số giống số CCCD. Nền tảng không lưu số định danh cá nhân."))
        return key
