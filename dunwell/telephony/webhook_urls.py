"""Machine endpoints of the telephony app (no session, no CSRF): the cloud PBXs' webhooks and
the dialplan's routing request. Included at /telephony/ with namespace "telephony_hooks"."""

from django.urls import path

from dunwell.telephony import webhooks

app_name = "telephony_hooks"

urlpatterns = [
    path("webhooks/zadarma/", webhooks.zadarma, name="zadarma"),
    path("webhooks/mango/events/<slug:event>", webhooks.mango, name="mango"),
    path("webhooks/twilio/", webhooks.twilio, name="twilio"),
    path("route/", webhooks.route, name="route"),
]
