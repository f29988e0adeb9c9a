from django.contrib import admin

from coverage.models import ExportLog, GuidedPerson, Target, TrainingSession


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["deadline", "share_percent", "province", "label"]
    list_filter = ["province"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["held_on", "classroom", "lesson", "recorded_by", "recorded_at"]
    raw_id_fields = ["classroom", "attendees", "recorded_by"]


@admin.register(GuidedPerson)
class GuidedPersonAdmin(admin.ModelAdmin):
    list_display = ["guided_on", "relationship", "procedure", "fully_online", "classroom", "checked_at"]
    raw_id_fields = ["student", "classroom", "checked_by"]


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "file_format", "scope", "scope_label", "date_from", "date_to"]
    list_filter = ["kind", "scope", "file_format"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
