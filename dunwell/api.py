"""The REST API with its OpenAPI schema at /api/openapi.json (docs at /api/docs)."""

from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI

# The docs and the schema need a signed-in user; the Swagger files come from django-ninja's own
# static folder ("ninja" in INSTALLED_APPS), never from a CDN.
api = NinjaAPI(
    title="Dunwell API", version="1", urls_namespace="api", docs_decorator=login_required
)
