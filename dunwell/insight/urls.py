from django.urls import URLPattern, URLResolver, path

from dunwell.insight import views

app_name = "insight"
urlpatterns: list[URLPattern | URLResolver] = [
    path("aging/", views.aging_page, name="aging"),
    path("aging/export.xlsx", views.aging_export, name="aging_export"),
]
