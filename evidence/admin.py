from django.contrib import admin

from evidence.models import CheckAnswer, LearningCheck


class CheckAnswerInline(admin.TabularInline):
    model = CheckAnswer
    raw_id_fields = ["question"]
    extra = 0


@admin.register(LearningCheck)
class LearningCheckAdmin(admin.ModelAdmin):
    list_display = ["student", "kind", "submitted_at", "skipped_at", "percent"]
    list_filter = ["kind"]
    raw_id_fields = ["student"]
    inlines = [CheckAnswerInline]
