"""Pages of the restapi app (under /integrations/tokens/)."""

from django.urls import path

from dunwell.restapi import views

app_name = "restapi"

urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<int:token_id>/created/", views.created, name="created"),
    path("<int:token_id>/revoke/", views.revoke, name="revoke"),
]
