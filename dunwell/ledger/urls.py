from django.urls import URLPattern, URLResolver, path

from dunwell.ledger import views

app_name = "ledger"
urlpatterns: list[URLPattern | URLResolver] = [
    path("imports/", views.imports, name="imports"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/samples/<slug:import_kind>.xlsx", views.import_sample, name="import_sample"),
    path("companies/", views.companies, name="companies"),
    path("bank-accounts/", views.bank_accounts, name="bank_accounts"),
    path("bank-accounts/<int:pk>/new/", views.bank_account_edit, name="bank_account_new"),
    path(
        "bank-accounts/<int:pk>/<int:account_id>/",
        views.bank_account_edit,
        name="bank_account_edit",
    ),
    path(
        "bank-accounts/<int:pk>/<int:account_id>/delete/",
        views.bank_account_delete,
        name="bank_account_delete",
    ),
    path("imports/company/", views.company_new, name="company_new"),
    path("imports/company/<int:pk>/", views.company_edit, name="company_edit"),
    path("imports/<int:pk>/mapping/", views.import_preview, name="import_preview"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/again/", views.import_rerun, name="import_rerun"),
    path("imports/<int:pk>/rejected.csv", views.import_rejected, name="import_rejected"),
]
