from django.urls import URLPattern, URLResolver

app_name = "ladder"
urlpatterns: list[URLPattern | URLResolver] = []
