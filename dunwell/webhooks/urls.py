"""Webhook pages (under /integrations/webhooks/)."""

from django.urls import path

from dunwell.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscriptions, name="subscriptions"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.log, name="log"),
    path("<int:pk>/created/", views.created, name="created"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/deliveries/<int:delivery_id>/replay/", views.replay_delivery, name="replay"),
]
