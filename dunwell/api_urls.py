"""REST API (django-ninja). Each app adds its router in `dunwell/api.py`."""

from django.urls import path

from dunwell.api import api

urlpatterns = [path("", api.urls)]
