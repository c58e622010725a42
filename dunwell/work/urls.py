from django.urls import URLPattern, URLResolver, path

from dunwell.work import views

app_name = "work"
urlpatterns: list[URLPattern | URLResolver] = [
    path("debtors/", views.debtors, name="debtors"),
    path("debtors/<int:counterparty_id>/", views.debtor, name="debtor"),
    path("debtors/<int:counterparty_id>/export.xlsx", views.debtor_export, name="debtor_export"),
    path("debtors/<int:counterparty_id>/call/", views.call_card, name="call"),
    path("debtors/<int:counterparty_id>/reassign/", views.reassign, name="reassign"),
    path("debtors/<int:counterparty_id>/meetings/new/", views.meeting, name="meeting_new"),
    path(
        "debtors/<int:counterparty_id>/meetings/<int:meeting_id>/",
        views.meeting,
        name="meeting",
    ),
    path(
        "debtors/<int:counterparty_id>/disputes/<int:dispute_id>/resolve/",
        views.resolve_dispute,
        name="resolve_dispute",
    ),
    path("debtors/<int:counterparty_id>/notes/", views.note_add, name="note_add"),
    path(
        "debtors/<int:counterparty_id>/notes/<int:note_id>/pin/",
        views.note_pin,
        name="note_pin",
    ),
    path(
        "debtors/<int:counterparty_id>/notes/<int:note_id>/edit/",
        views.note_edit,
        name="note_edit",
    ),
    path(
        "debtors/<int:counterparty_id>/notes/<int:note_id>/delete/",
        views.note_delete,
        name="note_delete",
    ),
    path("scripts/", views.scripts, name="scripts"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/calendar/revoke/", views.revoke_feed, name="revoke_feed"),
    path("notifications/", views.notifications, name="notifications"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
urlpatterns += [
    path("day/", views.worklist, name="worklist"),
    path("day/on-hold/", views.on_hold, name="on_hold"),
    path("tasks/<int:task_id>/", views.task, name="task"),
    path("tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("tasks/<int:task_id>/skip/", views.task_skip, name="task_skip"),
    path("tasks/files/<int:attachment_id>/", views.task_file, name="task_file"),
    path("calls/<int:call_id>/recording/", views.call_recording, name="call_recording"),
    path("team/", views.team, name="team"),
]
