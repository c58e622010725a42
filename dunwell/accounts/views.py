from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dunwell.accounts import services


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


THROTTLED = _("Too many failed attempts. Try again in a few minutes.")


class ThrottleMixin(forms.Form):
    """The one login throttle (accounts/services.py), for every login form."""

    request: HttpRequest | None

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        ip = client_ip(self.request) if self.request else None
        if services.login_blocked(username, ip):
            raise forms.ValidationError(THROTTLED, code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.record_login_failure(username, ip)
            raise
        services.clear_login_failures(username, ip)
        return self.cleaned_data if cleaned is None else cleaned


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
