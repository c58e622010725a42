from django.urls import URLPattern, URLResolver, path

from dunwell.insight import forecast_views, metrics_views, views

app_name = "insight"
urlpatterns: list[URLPattern | URLResolver] = [
    path("aging/", views.aging_page, name="aging"),
    path("aging/buckets/", views.aging_buckets, name="aging_buckets"),
    path("aging/export.xlsx", views.aging_export, name="aging_export"),
    path("metrics/", metrics_views.metrics_page, name="metrics"),
    path("metrics/export.xlsx", metrics_views.metrics_export, name="metrics_export"),
    path("forecast/", forecast_views.forecast_page, name="forecast"),
    path("forecast/export.xlsx", forecast_views.forecast_export, name="forecast_export"),
    path("forecast/week/", forecast_views.forecast_week, name="forecast_week"),
    path(
        "forecast/week/export.xlsx",
        forecast_views.forecast_week_export,
        name="forecast_week_export",
    ),
]
