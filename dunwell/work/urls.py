from django.urls import URLPattern, URLResolver, path

from dunwell.work import contact_views, dispute_views, list_views, views

app_name = "work"
urlpatterns: list[URLPattern | URLResolver] = [
    path("debtors/", list_views.debtors, name="debtors"),
    path("debtors/export.xlsx", list_views.debtors_export, name="debtors_export"),
    path("debtors/views/", list_views.view_save, name="view_save"),
    path("debtors/views/<int:pk>/rename/", list_views.view_rename, name="view_rename"),
    path("debtors/views/<int:pk>/delete/", list_views.view_delete, name="view_delete"),
    path("debtors/views/<int:pk>/default/", list_views.view_default, name="view_default"),
    path("bulk/reassign/", list_views.bulk_reassign, name="bulk_reassign"),
    path("bulk/tasks/", list_views.bulk_tasks, name="bulk_tasks"),
    path("bulk/approvals/", list_views.bulk_approvals, name="bulk_approvals"),
    path("bulk/apply/", list_views.bulk_tasks_apply, name="bulk_tasks_apply"),
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
        "debtors/<int:counterparty_id>/disputes/new/",
        dispute_views.register_dispute,
        name="dispute_new",
    ),
    path(
        "debtors/<int:counterparty_id>/disputes/<int:dispute_id>/resolve/",
        views.resolve_dispute,
        name="resolve_dispute",
    ),
    path(
        "debtors/<int:counterparty_id>/contacts/new/",
        contact_views.contact_edit,
        name="contact_add",
    ),
    path(
        "debtors/<int:counterparty_id>/contacts/<int:contact_id>/",
        contact_views.contact_edit,
        name="contact_edit",
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
    path("disputes/", dispute_views.disputes, name="disputes"),
]
