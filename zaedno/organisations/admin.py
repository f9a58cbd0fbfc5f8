from django.contrib import admin

from zaedno.organisations.models import Coverage, Organisation


class CoverageInline(admin.TabularInline):
    """Where the organisation receives signals as ОЗД, police or ДАЗД (docs/signals.md)."""

    model = Coverage
    extra = 0
    autocomplete_fields = ["municipality"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    inlines = [CoverageInline]
    list_display = ["name", "kind", "sector", "municipality", "is_active"]
    list_filter = ["sector", "kind", "is_active"]
    list_select_related = ["municipality"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["municipality"]
    readonly_fields = ["sector"]

    def save_model(self, request, obj, form, change):
        from zaedno.organisations.models import KIND_SECTOR

        obj.sector = KIND_SECTOR[obj.kind]  # the sector follows from the kind
        super().save_model(request, obj, form, change)
