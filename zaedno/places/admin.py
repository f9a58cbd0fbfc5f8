from django.contrib import admin

from zaedno.places.models import Municipality, Oblast, Settlement


@admin.register(Oblast)
class OblastAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["code", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "oblast"]
    list_filter = ["oblast"]
    search_fields = ["code", "name"]


@admin.register(Settlement)
class SettlementAdmin(admin.ModelAdmin):
    list_display = ["ekatte", "kind", "name", "municipality"]
    list_select_related = ["municipality"]
    search_fields = ["ekatte", "name"]
