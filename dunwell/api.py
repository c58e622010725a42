"""The REST API with its OpenAPI schema at /api/openapi.json (docs at /api/docs)."""

from ninja import NinjaAPI

api = NinjaAPI(title="Dunwell API", version="1", urls_namespace="api")
