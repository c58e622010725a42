from django.urls import URLPattern, URLResolver, path

from dunwell.ladder import grace_views, views

app_name = "ladder"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.policies, name="policies"),
    path("new/", views.policy_edit, name="policy_new"),
    path("<int:pk>/", views.policy_edit, name="policy_edit"),
    path("preview/", views.policy_preview, name="policy_preview_new"),
    path("<int:pk>/preview/", views.policy_preview, name="policy_preview"),
    path("approvals/", views.approvals, name="approvals"),
    path("tasks/<int:pk>/decide/", views.decide, name="decide"),
    path("overdue/", views.overdue, name="overdue"),
    path("punctuality/", views.punctuality, name="punctuality"),
    path("tasks/", views.my_tasks, name="tasks"),
    path("grace/<int:counterparty_id>/", grace_views.grace_page, name="grace"),
    path("debtor/<int:counterparty_id>/scale/", views.debtor_scale, name="debtor_scale"),
    path("debtor/<int:counterparty_id>/next/", views.debtor_next, name="debtor_next"),
    path("graces/", grace_views.grace_requests, name="grace_requests"),
]
