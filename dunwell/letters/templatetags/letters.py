"""The composer's button on the work app's pages (task page, debtor card, call card)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def compose_button(context: Any, counterparty_id: int, task_id: int | None = None) -> str:
    """ "Write a letter": opens the composer for the debtor (and task)."""
    from dunwell.letters.views import compose_url

    return format_html(
        '<a role="button" class="{}" href="{}" id="open-composer">{}</a>',
        "" if task_id else "outline",
        compose_url(counterparty_id, task_id),
        _("Write the letter") if task_id else _("Write a letter"),
    )
