"""Pages of the credit app (under /credit/)."""

from django.urls import path

from dunwell.credit import views

app_name = "credit"

urlpatterns = [
    path("check/", views.check_page, name="check"),
    path("check/<int:pk>/exception/", views.ask_exception, name="ask_exception"),
    path("rules/", views.rules_page, name="rules"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/pdf/", views.rules_pdf, name="rules_pdf"),
    path("rules/acknowledge/", views.acknowledge, name="acknowledge"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/", views.approval, name="approval"),
    path(
        "approvals/<int:pk>/negotiation/", views.approval_negotiation, name="approval_negotiation"
    ),
    path("counterparty/<int:counterparty_id>/panel/", views.panel, name="panel"),
    path("counterparty/<int:counterparty_id>/limit/", views.limit, name="limit"),
    path("counterparty/<int:counterparty_id>/lift-stop/", views.lift_stop, name="lift_stop"),
    path("customers/", views.customers, name="customers"),
    # the credit committee
    path("committee/", views.committee, name="committee"),
    path("committee/requests/new/", views.request_new, name="request_new"),
    path("committee/requests/<int:pk>/", views.request_page, name="request"),
    path("committee/requests/<int:pk>/vote/", views.request_vote, name="request_vote"),
    path("committee/requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("committee/requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("committee/requests/<int:pk>/take-off/", views.request_take_off, name="request_take_off"),
    path(
        "committee/requests/<int:pk>/negotiation/",
        views.request_negotiation,
        name="request_negotiation",
    ),
    path(
        "negotiations/<int:pk>/recording/",
        views.negotiation_recording,
        name="negotiation_recording",
    ),
    path("committee/meetings/new/", views.meeting_new, name="meeting_new"),
    path("committee/meetings/<int:pk>/", views.meeting, name="meeting"),
    path("committee/meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path("committee/meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("committee/meetings/<int:pk>/minutes.<str:fmt>", views.minutes, name="minutes"),
]
