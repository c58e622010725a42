from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dunwell import views
from dunwell.accounts.views import LoginView

urlpatterns = [
    # First: the API's machine callers (the ERP's credit checks) are its busiest requests, and
    # Django tries the patterns in order.
    path("api/v1/", include("dunwell.api_urls")),
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", views.favicon, name="favicon"),
    path("search/", include("dunwell.search.urls")),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("ledger/", include("dunwell.ledger.urls")),
    path("ladder/", include("dunwell.ladder.urls")),
    path("work/", include("dunwell.work.urls")),
    path("legal/", include("dunwell.legal.urls")),
    path("interest/", include("dunwell.interest.urls")),
    path("mail/", include("dunwell.mail.urls")),
    path("letters/", include("dunwell.letters.urls")),
    path("reports/", include("dunwell.insight.urls")),
    path("pipeline/", include("dunwell.pipeline.urls")),
    path("credit/", include("dunwell.credit.urls")),
    path("integrations/", views.integrations, name="integrations"),
    path("integrations/tokens/", include("dunwell.restapi.urls")),
    path("integrations/webhooks/", include("dunwell.webhooks.urls")),
    path("integrations/1c/", include("dunwell.onec.urls")),
    path("correspondence/", include("dunwell.correspondence.urls")),
    path("telephony/", include("dunwell.telephony.webhook_urls", namespace="telephony_hooks")),
    path("telephony/", include("dunwell.telephony.urls")),
]
# No open /media/, not even in debug: uploaded files (call recordings, task attachments,
# generated documents, import files) are served only by permission-checked views, as downloads.

handler403 = "dunwell.views.permission_denied"
handler404 = "dunwell.views.page_not_found"
