from django.urls import path

app_name = "legal"
urlpatterns: list = []
