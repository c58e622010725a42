from django.urls import URLPattern, URLResolver, path

from dunwell.pipeline import views

app_name = "pipeline"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.deal_list, name="deals"),
    path("new/", views.deal_new, name="deal_new"),
    path("<int:pk>/", views.deal_edit, name="deal_edit"),
]
