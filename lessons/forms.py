from django import forms
from django.utils.translation import gettext_lazy as _

from lessons.models import Lesson, Question, QuestionReport
from lessons.services import CHOICE_KEYS, QUIZ_KINDS, QuestionData, question_data_errors

STARS = [(n, "★" * n) for n in range(1, 6)]


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Em thấy bài học này thế nào?"), choices=STARS, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Em hãy chọn từ 1 đến 5 sao."), "invalid_choice": _("Em hãy chọn từ 1 đến 5 sao.")},
    )
    comment = forms.CharField(
        label=_("Góp ý thêm (không bắt buộc)"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignmentForm(forms.Form):
    lesson = forms.ModelChoiceField(
        label=_("Bài học"), queryset=Lesson.objects.none(), empty_label=_("— Chọn bài học —"),
        error_messages={"invalid_choice": _("Bài học không hợp lệ."), "required": _("Hãy chọn bài học.")},
    )
    due_on = forms.DateField(
        label=_("Hạn hoàn thành (không bắt buộc)"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )

    def __init__(self, *args, lessons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = lessons


class QuizForm(forms.Form):
    title = forms.CharField(label=_("Tên bộ câu hỏi"), max_length=200)


class QuestionForm(forms.Form):
    """A teacher's question with up to six choices; true/false takes only the answer."""

    kind = forms.ChoiceField(
        label=_("Loại câu hỏi"), choices=[(k.value, k.label) for k in QUIZ_KINDS], initial=Question.Kind.SINGLE
    )
    text = forms.CharField(label=_("Nội dung câu hỏi"), widget=forms.Textarea(attrs={"rows": 2}))
    truefalse_answer = forms.ChoiceField(
        label=_("Đáp án (câu Đúng/Sai)"), required=False, choices=[("", "—"), ("t", _("Đúng")), ("f", _("Sai"))]
    )
    explanation = forms.CharField(
        label=_("Giải thích (học sinh xem sau khi trả lời)"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for letter in CHOICE_KEYS:
            self.fields[f"choice_{letter}"] = forms.CharField(
                label=_("Lựa chọn %(l)s") % {"l": letter.upper()}, required=False, max_length=500
            )
            self.fields[f"correct_{letter}"] = forms.BooleanField(
                label=_("%(l)s là đáp án đúng") % {"l": letter.upper()}, required=False
            )

    def choice_rows(self):
        """(text field, correct field) pairs for the template."""
        return [(self[f"choice_{letter}"], self[f"correct_{letter}"]) for letter in CHOICE_KEYS]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if not kind or self.errors:
            return data
        if kind == Question.Kind.TRUEFALSE:
            answer = data.get("truefalse_answer")
            if not answer:
                self.add_error("truefalse_answer", _("Hãy chọn Đúng hoặc Sai."))
                return data
            choices = [(str(_("Đúng")), answer == "t"), (str(_("Sai")), answer == "f")]
        else:
            choices = [
                (data[f"choice_{letter}"].strip(), bool(data.get(f"correct_{letter}")))
                for letter in CHOICE_KEYS
                if data.get(f"choice_{letter}", "").strip()
            ]
        self.question_data = QuestionData(kind, data.get("text", ""), data.get("explanation", ""), choices)
        for error in question_data_errors(self.question_data):
            self.add_error(None, error)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp câu hỏi (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": _("Hãy chọn tệp để nhập.")},
    )


class QuestionReportForm(forms.Form):
    """ "Báo lỗi câu hỏi": what is wrong, in a few words (the service checks it again)."""

    reason = forms.ChoiceField(
        label=_("Câu hỏi này bị lỗi gì?"), choices=QuestionReport.Reason.choices, widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn loại lỗi: sai, lỗi thời hoặc khó hiểu."),
            "invalid_choice": _("Hãy chọn loại lỗi: sai, lỗi thời hoặc khó hiểu."),
        },
    )
    text = forms.CharField(
        label=_("Mô tả ngắn"), max_length=QuestionReport.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Hãy viết ngắn gọn lỗi em thấy ở câu hỏi."),
            "max_length": _("Mô tả lỗi dài quá: tối đa %(limit_value)d ký tự."),
        },
    )
