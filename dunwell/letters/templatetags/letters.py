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


@register.simple_tag(takes_context=True)
def task_emails(context: Any, task: Any) -> list[dict[str, str]]:
    """The emails the composer queued for `task` that the reader may see, each with where it
    stands in the outbox: queued (and waiting for mail to be set up), sent, not delivered."""
    from django.urls import reverse
    from django.utils.formats import date_format
    from django.utils.timezone import localtime

    from dunwell.letters.timeline_texts import waits_text
    from dunwell.mail.models import MessageState, RefusalReason
    from dunwell.mail.selectors import visible_messages
    from dunwell.mail.sending import is_configured

    found = visible_messages(context["request"].user).filter(task_id=task.pk).order_by("pk")
    out = []
    for message in found:
        words = {"subject": message.subject, "to": message.to_email}
        if message.state == MessageState.SENT and message.sent_at is not None:
            words["when"] = date_format(localtime(message.sent_at), "SHORT_DATETIME_FORMAT")
            text = _("Email “%(subject)s” sent to %(to)s on %(when)s") % words
        elif message.state == MessageState.GAVE_UP:
            code = message.error_code
            words["reason"] = (
                str(RefusalReason(code).label)
                if code in RefusalReason.values
                else message.last_error[:300] or "—"
            )
            text = _("Email “%(subject)s” to %(to)s not delivered: %(reason)s") % words
        elif message.state == MessageState.CANCELLED:
            text = _("Email “%(subject)s” to %(to)s cancelled") % words
        else:
            text = _("Email “%(subject)s” to %(to)s queued for sending") % words
            if message.state == MessageState.FAILED:
                text = f"{text} ({message.get_state_display()})"
            if not is_configured():
                text = f"{text}. {waits_text()}"
        out.append(
            {
                "text": text,
                "state": message.state,
                "url": reverse("mail:message", args=[message.pk]),
            }
        )
    return out


@register.simple_tag
def email_file_label() -> str:
    """The label of the .eml file kept with a task whose email the outbox sends: the file, not
    a claim that it was sent (the line above says where the email stands)."""
    return _("The email's file")
