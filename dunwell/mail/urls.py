"""Outbox pages (under /mail/)."""

from django.urls import path

from dunwell.mail import views

app_name = "mail"

urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.message, name="message"),
    path("outbox/<int:pk>/files/<int:file_id>/", views.attachment, name="attachment"),
    path("outbox/<int:pk>/retry/", views.retry, name="retry"),
    path("outbox/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("outbox/<int:pk>/posted/", views.posted, name="posted"),
    path("senders/", views.senders, name="senders"),
]
