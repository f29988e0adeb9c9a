from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schools import throttle
from schools.models import Classroom, User


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, checking the password only when the throttling rules let this attempt through."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."),
        "throttled": _(
            "Tài khoản này bị nhập sai quá nhiều lần từ máy hoặc mạng này. Hãy đợi 15 phút rồi thử lại, "
            "hoặc đăng nhập trên máy đã từng đăng nhập tài khoản này, hoặc nhờ thầy cô cấp lại mật khẩu."
        ),
        "slowed_seconds": _("Đăng nhập sai quá nhiều lần. Hãy đợi %(seconds)s giây rồi thử lại."),
        "slowed_minutes": _("Đăng nhập sai quá nhiều lần. Hãy đợi khoảng %(minutes)s phút rồi thử lại."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        cookie = request.COOKIES.get(throttle.CLIENT_COOKIE) if request is not None else None
        self.login_client = throttle.client_from_cookie(cookie)

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request) if self.request else "unknown"
        wait = throttle.login_wait_seconds(username=username, ip=ip, client=self.login_client)
        if wait >= throttle.limits().window_seconds:
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        if wait >= 60:
            minutes = (wait + 59) // 60
            raise ValidationError(self.error_messages["slowed_minutes"], code="throttled", params={"minutes": minutes})
        if wait > 0:
            raise ValidationError(self.error_messages["slowed_seconds"], code="throttled", params={"seconds": wait})
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.login_failed(username=username, ip=ip, client=self.login_client)
            raise
        throttle.login_succeeded(username=username, ip=ip, client=self.login_client)
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
