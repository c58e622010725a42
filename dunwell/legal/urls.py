from django.urls import URLPattern, URLResolver

app_name = "legal"
urlpatterns: list[URLPattern | URLResolver] = []
