from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from dunwell.insight.models import AgingBuckets


@admin.register(AgingBuckets)
class AgingBucketsAdmin(admin.ModelAdmin):
    """Read-only: the company's buckets are saved on the aging page, which records who saved
    them and when, each save a new row (the rows are the history, old → new). An edit here
    changed a row in place, and the old edges and who changed them were lost."""

    list_display = ("edges", "updated_at", "saved_by")
    readonly_fields = ("edges", "updated_at", "saved_by")

    def _point_at_the_aging_page(self, request: HttpRequest) -> None:
        messages.info(
            request,
            format_html(
                _(
                    'The company\'s buckets are changed on the <a href="{}">aging page</a>, '
                    "which keeps each save here with who saved it and when."
                ),
                reverse("insight:aging") + "#company-buckets",
            ),
        )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        self._point_at_the_aging_page(request)
        return super().changelist_view(request, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        self._point_at_the_aging_page(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
