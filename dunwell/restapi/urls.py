"""Pages of the restapi app (under /integrations/)."""

from django.urls import URLPattern

app_name = "restapi"

urlpatterns: list[URLPattern] = []
