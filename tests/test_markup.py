"""`dunwell.markup.html` writes what Django's `format_html` writes, for every kind of value a
row holds: text to escape, safe markup, lazy translations, numbers, None."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from dunwell.markup import html

TEMPLATE = '<td title="{}">{}</td><td>{}{}</td><td>{}</td><td>{}</td>'
VALUES = (
    '"Ion & Co" <SRL>',
    mark_safe("<strong>kept</strong>"),  # noqa: S308 - a constant
    gettext_lazy("awaiting approval"),
    Decimal("1234.50"),
    None,
    "l'Ancre",
)


def test_the_same_markup_as_format_html() -> None:
    for language in ("en", "ru"):
        with override(language):
            ours = html(TEMPLATE, *VALUES)
            assert ours == format_html(TEMPLATE, *VALUES)
            assert isinstance(ours, SafeString)
    assert "&quot;Ion &amp; Co&quot; &lt;SRL&gt;" in html("{}", VALUES[0])
    assert html("{}", html("<b>{}</b>", "<i>")) == "<b>&lt;i&gt;</b>"
