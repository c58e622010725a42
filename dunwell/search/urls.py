from django.urls import URLPattern, URLResolver, path

from dunwell.search import views

app_name = "search"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
]
