from django.urls import URLPattern, URLResolver

app_name = "insight"
urlpatterns: list[URLPattern | URLResolver] = []
