from django.contrib import admin

from dunwell.insight.models import AgingBuckets


@admin.register(AgingBuckets)
class AgingBucketsAdmin(admin.ModelAdmin):
    list_display = ("edges", "updated_at")
