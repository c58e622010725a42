"""The main menu. Each app's pages are listed here once; an entry whose URL name is not
(yet) registered is skipped, so the menu never links to a missing page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dunwell.accounts.visibility import (
    can_create_company,
    can_manage_bank_accounts,
    can_manage_provider_secrets,
    can_open_admin_list,
)
from dunwell.insight.labels import FORECAST_MENU_LABEL, METRICS_MENU_LABEL
from dunwell.letters.labels import MENU_LABEL as LETTERS_LABEL
from dunwell.pipeline.labels import MENU_LABEL as PIPELINE_LABEL
from dunwell.telephony.labels import SECRETS_DESCRIPTION, SECRETS_LABEL


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str | Promise
    roles: frozenset[str] | None = None  # None: everybody signed in
    # A rule from visibility.py beside the roles (None: the roles decide).
    allowed: Callable[[Any], bool] | None = None


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("work:worklist", _("My day")),
    MenuEntry("work:team", _("Team"), frozenset({"supervisor", "director", "admin", "finance"})),
    # The open disputes to see settled (DESIGN §1.7); a collector finds theirs on the card.
    MenuEntry(
        "work:disputes", _("Disputes"), frozenset({"supervisor", "director", "admin", "sales"})
    ),
    MenuEntry("work:calendar", _("Calendar")),
    MenuEntry("work:debtors", _("Debtors")),
    MenuEntry("insight:aging", _("Aging")),
    MenuEntry(
        "insight:metrics",
        METRICS_MENU_LABEL,
        frozenset({"finance", "supervisor", "director", "admin"}),
    ),
    MenuEntry(
        "insight:forecast",
        FORECAST_MENU_LABEL,
        frozenset({"finance", "supervisor", "director", "admin"}),
    ),
    MenuEntry(
        "pipeline:deals",
        PIPELINE_LABEL,
        frozenset({"sales", "finance", "supervisor", "director", "admin"}),
    ),
    MenuEntry("ladder:policies", _("Pressure scale")),
    MenuEntry("ladder:approvals", _("Approvals"), frozenset({"supervisor", "director", "admin"})),
    MenuEntry("letters:mailings", LETTERS_LABEL, frozenset({"supervisor", "director", "admin"})),
    MenuEntry("legal:cases", _("Legal")),
    MenuEntry("legal:approvals", _("Legal approvals"), frozenset({"director", "admin"})),
    MenuEntry("credit:check", _("Credit")),
    MenuEntry("legal:calculator", _("Interest calculator")),
    MenuEntry("correspondence:inbox", _("Correspondence")),
    MenuEntry("mail:outbox", _("Outbox")),
    MenuEntry(
        "ledger:imports", _("Import"), frozenset({"finance", "director", "admin", "supervisor"})
    ),
    MenuEntry("integrations", _("Integrations"), frozenset({"director", "admin"})),
    # Users are managed in the Django admin, which only the admin role enters; our companies
    # and their requisites on our own page, through `ledger.services.update_company`'s checks.
    MenuEntry(
        "admin:accounts_user_changelist",
        _("Users"),
        frozenset({"admin"}),
        allowed=lambda user: can_open_admin_list(user, "accounts.view_user"),
    ),
    MenuEntry("ledger:companies", _("Companies"), frozenset({"admin"}), allowed=can_create_company),
    MenuEntry("ledger:bank_accounts", _("Bank accounts"), allowed=can_manage_bank_accounts),
)


# Where a role lands after signing in when nothing is due for them today: the page its work
# starts from. A user with open tasks due by the end of their day lands on "My day" whatever
# the role (`views.home`); a collector and a sales manager always do.
ROLE_HOME: dict[str, str] = {
    "director": "insight:metrics",
    "finance": "insight:aging",
    "supervisor": "work:team",
    "lawyer": "legal:cases",
    "credit_control": "credit:check",
    "admin": "integrations",
}


def role_home(request: HttpRequest, items: list[dict[str, object]]) -> str | None:
    """The URL of the user's role page, if it is in their menu (`items`)."""
    name = ROLE_HOME.get(getattr(request.user, "role", ""))
    if name is None:
        return None
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return url if any(item["url"] == url for item in items) else None


@dataclass(frozen=True)
class Section:
    url_name: str
    label: str | Promise
    description: str | Promise
    managers_only: bool = True  # only for who may manage integrations (visibility.py)
    # A narrower rule from visibility.py than managing integrations (None: managers_only).
    allowed: Callable[[Any], bool] | None = None


# The sections of the Integrations page; one whose URL is not registered is left out.
INTEGRATION_SECTIONS: tuple[Section, ...] = (
    Section(
        "restapi:tokens",
        _("API tokens"),
        _("Tokens for programs that read and write through the REST API."),
        managers_only=False,
    ),
    Section(
        "webhooks:subscriptions",
        _("Webhooks"),
        _("Tell other systems at once when a promise, dispute, task or case changes."),
    ),
    Section(
        "onec:connections",
        _("1C connection"),
        _("Read counterparties, sales and payments from a 1C infobase on a schedule."),
    ),
    Section(
        "telephony:secrets",
        SECRETS_LABEL,
        SECRETS_DESCRIPTION,
        allowed=can_manage_provider_secrets,
    ),
)


def reachable(sections: tuple[Section, ...]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for section in sections:
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        out.append(
            {
                "url": url,
                "label": section.label,
                "description": section.description,
                "managers_only": section.managers_only,
                "allowed": section.allowed,
            }
        )
    return out


def menu_for(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    items: list[dict[str, object]] = []
    for entry in MENU:
        if entry.roles is not None and not (user.is_superuser or user.role in entry.roles):
            continue
        if entry.allowed is not None and not entry.allowed(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": entry.label, "active": False})
    # Only the longest matching prefix is the current page (/work/ must not light up on
    # /work/calendar/).
    matching = [item for item in items if request.path.startswith(str(item["url"]))]
    if matching:
        max(matching, key=lambda item: len(str(item["url"])))["active"] = True
    return items


def main_menu(request: HttpRequest) -> dict[str, object]:
    """Context processor."""
    return {"main_menu": menu_for(request)}
