from django.urls import URLPattern, URLResolver

app_name = "interest"
urlpatterns: list[URLPattern | URLResolver] = []
