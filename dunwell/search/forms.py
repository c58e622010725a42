from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from dunwell.search.terms import MAX_LENGTH, MIN_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        strip=True,
        # The limit is checked below with its own message; the browser is told too.
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_LENGTH}),
    )

    def clean_q(self) -> str:
        text: str = " ".join(self.cleaned_data.get("q", "").split())
        if len(text) > MAX_LENGTH:
            raise forms.ValidationError(
                ngettext_lazy(
                    "The search text is too long: at most %(limit)d character.",
                    "The search text is too long: at most %(limit)d characters.",
                    "limit",
                ),
                params={"limit": MAX_LENGTH},
            )
        return text

    @property
    def ready(self) -> bool:
        """Valid and long enough to search."""
        return self.is_valid() and len(self.cleaned_data["q"]) >= MIN_LENGTH
