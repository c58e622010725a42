from django.urls import URLPattern, URLResolver, path

from dunwell.legal import views

app_name = "legal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.cases, name="cases"),
    path("calculator/", views.calculator, name="calculator"),
    path("calculator/documents/", views.calculator_documents, name="calculator_documents"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/do/<slug:action>/", views.case_action, name="case_action"),
    path("cases/<int:pk>/proof/", views.proof, name="proof"),
    path("cases/<int:pk>/tasks/<int:task_id>/done/", views.complete_task, name="complete_task"),
    path("tasks/<int:task_id>/", views.case_for_task, name="case_for_task"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/decide/", views.approvals_decide, name="approvals_decide"),
    path("approvals/<int:pk>/decide/", views.decide, name="decide"),
    path(
        "debtors/<int:counterparty_id>/documents/", views.debtor_documents, name="debtor_documents"
    ),
    path("debtors/<int:counterparty_id>/open-case/", views.open_case, name="open_case"),
    path("documents/<int:pk>/<slug:fmt>/", views.download, name="download"),
]
