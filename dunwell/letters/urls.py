from django.urls import path

from dunwell.letters import views

app_name = "letters"

urlpatterns = [
    path("compose/", views.compose, name="compose"),
    path("wordings/", views.wordings, name="wordings"),
    # The fixed paths before "<kind>/<language>/", which would take "firm/auto-send/" and
    # "approve/7/" for a wording in the language "auto-send" or "7" (a 404).
    path("wordings/<slug:kind>/auto-send/", views.auto_send, name="auto_send"),
    path("wordings/approve/<int:pk>/", views.wording_approve, name="wording_approve"),
    path("wordings/<slug:kind>/<slug:language>/", views.wording, name="wording"),
    path("mailings/", views.mailings, name="mailings"),
    path("mailings/from-list/", views.mailing_from_list, name="mailing_from_list"),
    path("mailings/<int:pk>/", views.mailing, name="mailing"),
    path("mailings/<int:pk>/approve/", views.mailing_approve, name="mailing_approve"),
    path("mailings/<int:pk>/progress/", views.mailing_progress, name="mailing_progress"),
]
