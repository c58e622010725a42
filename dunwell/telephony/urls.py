from django.urls import path

from dunwell.telephony import views, views_secrets

app_name = "telephony"

urlpatterns = [
    path("pops/", views.pop_stream, name="pops"),
    path("calls/<int:pk>/unknown/", views.unknown_caller, name="unknown"),
    path("calls/<int:pk>/contact/", views.add_contact, name="add_contact"),
    path("contacts/<int:pk>/dial/", views.dial, name="dial"),
    path("calls/<int:pk>/state/", views.call_state, name="call_state"),
    path("calls/<int:pk>/recording/", views.recording, name="recording"),
    path("extension/", views.set_extension, name="extension"),
    path("follow/", views.follow_pops, name="follow"),
    path("secrets/", views_secrets.provider_secrets, name="secrets"),
]
