"""Admin pages of the routing data (helper HOOKS): team queues and collectors' absences."""

from django.contrib import admin

from dunwell.telephony.models import Absence, TeamQueue


@admin.register(TeamQueue)
class TeamQueueAdmin(admin.ModelAdmin):
    list_display = ["supervisor", "number", "name"]
    autocomplete_fields = ["supervisor"]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["user", "starts_on", "ends_on", "note"]
    list_filter = ["starts_on"]
    autocomplete_fields = ["user"]
