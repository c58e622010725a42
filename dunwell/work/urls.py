from django.urls import URLPattern, URLResolver

app_name = "work"
urlpatterns: list[URLPattern | URLResolver] = []
