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
from django.utils.translation import pgettext_lazy

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
class MenuGroup:
    """A drop-down of the header: pages a person looks for together."""

    key: str
    label: str | Promise


# Twenty-odd links did not fit one header row (three rows at 1366 px in Russian, the work area
# starting a third down the screen): the daily pages are plain links, the rest are grouped.
COLLECTION = MenuGroup("collection", pgettext_lazy("menu section", "Collection"))
REPORTS = MenuGroup("reports", pgettext_lazy("menu section", "Reports"))
LEGAL = MenuGroup("legal", pgettext_lazy("menu section", "Legal and credit"))
SETUP = MenuGroup("setup", pgettext_lazy("menu section", "Setup"))
GROUPS: tuple[MenuGroup, ...] = (COLLECTION, REPORTS, LEGAL, SETUP)


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str | Promise
    roles: frozenset[str] | None = None  # None: everybody signed in
    # A rule from visibility.py beside the roles (None: the roles decide).
    allowed: Callable[[Any], bool] | None = None
    # The drop-down it is in (None: a plain link for everybody). A role's start page
    # (ROLE_HOME) and the roles in `daily_for`, who open it every day, get it as a plain link.
    group: MenuGroup | None = None
    daily_for: frozenset[str] = frozenset()


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("work:worklist", _("My day")),
    MenuEntry(
        "work:team",
        _("Team"),
        frozenset({"supervisor", "director", "admin", "finance"}),
        group=COLLECTION,
    ),
    # The open disputes to see settled (DESIGN §1.7); a collector finds theirs on the card.
    MenuEntry(
        "work:disputes",
        _("Disputes"),
        frozenset({"supervisor", "director", "admin", "sales"}),
        group=COLLECTION,
    ),
    MenuEntry("work:calendar", _("Calendar")),
    MenuEntry("work:debtors", _("Debtors")),
    MenuEntry("insight:aging", _("Aging"), group=REPORTS),
    MenuEntry(
        "insight:metrics",
        METRICS_MENU_LABEL,
        frozenset({"finance", "supervisor", "director", "admin"}),
        group=REPORTS,
    ),
    MenuEntry(
        "insight:forecast",
        FORECAST_MENU_LABEL,
        frozenset({"finance", "supervisor", "director", "admin"}),
        group=REPORTS,
    ),
    MenuEntry(
        "pipeline:deals",
        PIPELINE_LABEL,
        frozenset({"sales", "finance", "supervisor", "director", "admin"}),
        group=REPORTS,
        daily_for=frozenset({"sales"}),
    ),
    MenuEntry("ladder:policies", _("Pressure scale"), group=COLLECTION),
    MenuEntry(
        "ladder:approvals",
        _("Approvals"),
        frozenset({"supervisor", "director", "admin"}),
        group=COLLECTION,
    ),
    MenuEntry(
        "letters:mailings",
        LETTERS_LABEL,
        frozenset({"supervisor", "director", "admin"}),
        group=COLLECTION,
    ),
    MenuEntry("legal:cases", _("Legal"), group=LEGAL),
    MenuEntry(
        "legal:approvals", _("Legal approvals"), frozenset({"director", "admin"}), group=LEGAL
    ),
    # A sales manager checks an order's credit before it ships (DESIGN §1.10).
    MenuEntry("credit:check", _("Credit"), group=LEGAL, daily_for=frozenset({"sales"})),
    MenuEntry(
        "legal:calculator",
        _("Interest calculator"),
        group=LEGAL,
        daily_for=frozenset({"lawyer"}),
    ),
    # The replies and letters that came in: a collector answers them every day.
    MenuEntry(
        "correspondence:inbox",
        _("Correspondence"),
        group=COLLECTION,
        daily_for=frozenset({"collector"}),
    ),
    MenuEntry("mail:outbox", _("Outbox"), group=COLLECTION),
    MenuEntry(
        "ledger:imports",
        _("Import"),
        frozenset({"finance", "director", "admin", "supervisor"}),
        group=SETUP,
    ),
    MenuEntry("integrations", _("Integrations"), frozenset({"director", "admin"}), group=SETUP),
    # Users are managed in the Django admin, which only the admin role enters; our companies
    # and their requisites on our own page, through `ledger.services.update_company`'s checks.
    MenuEntry(
        "admin:accounts_user_changelist",
        _("Users"),
        frozenset({"admin"}),
        allowed=lambda user: can_open_admin_list(user, "accounts.view_user"),
        group=SETUP,
    ),
    MenuEntry(
        "ledger:companies",
        _("Companies"),
        frozenset({"admin"}),
        allowed=can_create_company,
        group=SETUP,
    ),
    MenuEntry(
        "ledger:bank_accounts", _("Bank accounts"), allowed=can_manage_bank_accounts, group=SETUP
    ),
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
    role = getattr(user, "role", "")
    items: list[dict[str, object]] = []
    for entry in MENU:
        if entry.roles is not None and not (user.is_superuser or role in entry.roles):
            continue
        if entry.allowed is not None and not entry.allowed(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        plain = (
            entry.group is None or role in entry.daily_for or ROLE_HOME.get(role) == entry.url_name
        )
        group = None if plain or entry.group is None else entry.group
        items.append({"url": url, "label": entry.label, "active": False, "group": group})
    # Only the longest matching prefix is the current page (/work/ must not light up on
    # /work/calendar/).
    matching = [item for item in items if request.path.startswith(str(item["url"]))]
    if matching:
        max(matching, key=lambda item: len(str(item["url"])))["active"] = True
    return items


def arrange(items: list[dict[str, object]]) -> list[dict[str, object]]:
    """The header's menu: the plain links (`menu_for` decides which) first, then one drop-down
    per group, in GROUPS' order; a group with one link for this user is that link (a drop-down
    for one page is a click for nothing)."""
    out: list[dict[str, object]] = [{"link": item} for item in items if item["group"] is None]
    for group in GROUPS:
        links = [item for item in items if item["group"] is group]
        if len(links) == 1:
            out.append({"link": links[0]})
        elif links:
            out.append(
                {
                    "key": group.key,
                    "label": group.label,
                    "links": links,
                    "active": any(link["active"] for link in links),
                }
            )
    return out


def main_menu(request: HttpRequest) -> dict[str, object]:
    """Context processor."""
    items = menu_for(request)
    return {"main_menu": items, "main_menu_groups": arrange(items)}
