from django.contrib import admin

from contests.models import Contest


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    """Read-only: contests change only through their services (a host screen, the clock)."""

    list_display = ["title", "owner", "school", "pin", "phase", "created_at"]
    list_filter = ["phase", "access", "play_mode"]
    search_fields = ["title", "pin", "owner__username"]
    exclude = ["questions"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
