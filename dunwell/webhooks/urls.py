"""Pages of the webhooks app (under /integrations/)."""

from django.urls import URLPattern

app_name = "webhooks"

urlpatterns: list[URLPattern] = []
