from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dunwell import netguard
from dunwell.onec.models import Connection
from dunwell.onec.odata import ODataError, odata_root, trusted_hosts


class ConnectionForm(forms.ModelForm):  # type: ignore[type-arg]
    # Checked by odata_root (http or https, no credentials in it) rather than URLField, which
    # would add a scheme the user did not type.
    url = forms.CharField(
        label=capfirst(_("infobase address")),
        max_length=500,
        help_text=_("The infobase's publication, e.g. https://1c.example.com/trade"),
    )
    # Write-only: never rendered back; empty on an existing connection keeps the stored one.
    password = forms.CharField(
        label=capfirst(_("1C password")),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = Connection
        fields = [
            "url",
            "username",
            "preset",
            "company",
            "schedule",
            "every_minutes",
            "daily_at",
            "enabled",
        ]
        widgets = {"daily_at": forms.TimeInput(attrs={"type": "time"})}

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"]).strip().rstrip("/")
        try:
            odata_root(url)
        except ODataError as exc:
            raise forms.ValidationError(str(exc)) from None
        # The sync's own guard (odata.Client._get), said here rather than at every sync: a 1C
        # server on the office network is the usual case, but Dunwell reaches a private host
        # only when the operator trusts it, so that an address typed here cannot point Dunwell
        # at this server or another machine of the network (SSRF).
        try:
            netguard.check_public_url(url, trusted_hosts())
        except netguard.UnsafeAddress as exc:
            if not exc.private:
                raise forms.ValidationError(str(exc)) from None
            hint = _(
                "A 1C server on the office network is reached once whoever runs Dunwell's "
                "server names it in DUNWELL_ONEC_PRIVATE_HOSTS."
            )
            raise forms.ValidationError(f"{exc} {hint}") from None
        return url

    def clean_every_minutes(self) -> int:
        minutes = int(self.cleaned_data["every_minutes"])
        if minutes < 5:
            raise forms.ValidationError(_("Every 5 minutes at the most often."))
        return minutes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("schedule") == Connection.Schedule.DAILY and not data.get("daily_at"):
            self.add_error("daily_at", _("Give the time of the daily sync."))
        if not self.instance.pk and not data.get("password"):
            self.add_error("password", _("Enter the 1C user's password."))
        return data
