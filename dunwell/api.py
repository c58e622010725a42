"""The REST API under /api/v1/ (docs/integrations.md, "REST API"): OpenAPI 3 schema at
/api/v1/openapi.json, docs at /api/v1/docs. Endpoints authenticate with a bearer token
(dunwell/restapi/auth.py); every error is RFC 9457 problem+json (dunwell/restapi/problems.py).
Each app adds its router here."""

from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI

from dunwell.restapi import problems
from dunwell.restapi.auth import bearer

# The docs need a signed-in user; the Swagger files come from django-ninja's own static folder
# ("ninja" in INSTALLED_APPS), never from a CDN. The schema is public: it describes the API,
# holds no data, and clients' code generators fetch it without a session.
api = NinjaAPI(
    title="Dunwell API",
    version="1",
    urls_namespace="api",
    docs_decorator=login_required,
    auth=bearer,
)
problems.install(api)

api.add_router("", "dunwell.restapi.endpoints_token.router")
api.add_router("", "dunwell.restapi.endpoints_ledger.router")
api.add_router("", "dunwell.restapi.endpoints_work.router")
api.add_router("", "dunwell.webhooks.api.router")
api.add_router("", "dunwell.credit.api.router")
