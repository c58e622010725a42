"""Pages of the onec app (under /integrations/1c/). The connection a request is about comes
in the query (`?connection=`) or the form, not the path."""

from django.urls import URLPattern, path

from dunwell.onec import views

app_name = "onec"

urlpatterns: list[URLPattern] = [
    path("", views.connections, name="connections"),
    path("test/", views.test, name="test"),
    path("sync/", views.sync_now, name="sync"),
    path("log/", views.log, name="log"),
]
