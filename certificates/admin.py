from django.contrib import admin

from certificates.models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates are issued and revoked through the site, which keeps numbers and snapshots right."""

    list_display = ["number", "year", "holder_name", "class_name", "school", "kind", "issued_on", "revoked_at"]
    list_filter = ["kind", "year", "school"]
    search_fields = ["number", "holder_name", "code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
