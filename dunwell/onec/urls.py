"""Pages of the onec app (under /integrations/)."""

from django.urls import URLPattern

app_name = "onec"

urlpatterns: list[URLPattern] = []
