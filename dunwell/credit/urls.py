"""Pages of the credit app (under /credit/)."""

from django.urls import path

from dunwell.credit import views

app_name = "credit"

urlpatterns = [
    path("check/", views.check_page, name="check"),
    path("rules/", views.rules_page, name="rules"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/pdf/", views.rules_pdf, name="rules_pdf"),
    path("rules/acknowledge/", views.acknowledge, name="acknowledge"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/", views.approval, name="approval"),
    path("counterparty/<int:counterparty_id>/panel/", views.panel, name="panel"),
    path("counterparty/<int:counterparty_id>/limit/", views.limit, name="limit"),
    path("counterparty/<int:counterparty_id>/lift-stop/", views.lift_stop, name="lift_stop"),
]
