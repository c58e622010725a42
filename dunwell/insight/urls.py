from django.urls import URLPattern, URLResolver, path

from dunwell.insight import metrics_views, views

app_name = "insight"
urlpatterns: list[URLPattern | URLResolver] = [
    path("aging/", views.aging_page, name="aging"),
    path("aging/export.xlsx", views.aging_export, name="aging_export"),
    path("metrics/", metrics_views.metrics_page, name="metrics"),
    path("metrics/export.xlsx", metrics_views.metrics_export, name="metrics_export"),
]
