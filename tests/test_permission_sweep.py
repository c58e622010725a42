"""The permission sweep (issue 9, item 3): every URL pattern of the project, GET and POST, as
anonymous, the owner collector, a teammate and an outsider, with real object ids.

- anonymous is sent to the login page (the admin to its own; feeds and the API answer 401/403/404);
- a teammate and an outsider get 403/404 on the owner's objects and change nothing;
- the owner never gets a 5xx;
- lists shown to the teammate and the outsider never name the owner's debtor.

A pattern that is neither covered by the id table nor listed in SPECIAL fails the sweep, so a
new page cannot slip past it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.url_world import Route, World, fingerprint, walk

pytestmark = pytest.mark.django_db

# Patterns handled apart, and why. Every other pattern is swept by the rules above.
SPECIAL: dict[str, str] = {
    "login": "public: the sign-in page",
    "logout": "public: signing out",
    "favicon": "public: a redirect to the site's icon (tests/test_favicon.py)",
    "set_language": "public: Django's language switch",
    "work:calendar_feed": "the token in the address is the credential (swept below)",
    "api:openapi-json": "API schema: public on purpose, it holds no data (docs/integrations.md)",
    "api:openapi-view": "API docs: behind a login (tests/test_deploy.py)",
    "telephony:pops": "an event stream that stays open; its login and content are tested in "
    "dunwell/telephony/tests/test_views.py",
    "api_not_found": "any other address under /api/v1/: a problem+json 404 for everyone",
    "telephony_hooks:zadarma": "PBX webhook: the provider's signature is the credential "
    "(dunwell/telephony/tests/test_webhooks.py)",
    "telephony_hooks:mango": "PBX webhook: the provider's signature is the credential "
    "(dunwell/telephony/tests/test_webhooks.py)",
    "telephony_hooks:twilio": "PBX webhook: the provider's signature is the credential "
    "(dunwell/telephony/tests/test_webhooks.py)",
    "telephony_hooks:route": "the dialplan's routing request: a shared token is the credential "
    "(dunwell/telephony/tests/test_routing.py)",
}
# The admin has its own login and checks staff status itself (swept below by prefix).
ADMIN_PREFIX = "admin/"
# Objects shared by the whole company, not owned by a debtor: the owner collector and the
# outsider are treated alike (no 5xx; a collector is refused the ones that need a manager).
SHARED = {
    "ladder:policy_edit",
    "ladder:policy_preview",
    "ledger:import_preview",
    "ledger:import_detail",
    "ledger:import_rerun",
    "ledger:import_rejected",
    "ledger:company_edit",
    "ledger:bank_account_new",
    "ledger:bank_account_edit",
    "ledger:bank_account_delete",
    "webhooks:log",
    "webhooks:edit",
    "webhooks:delete",
    "webhooks:replay",
}
ALLOWED_FOR_OTHERS = {403, 404, 405}
# The API answers a signed-in session without a bearer token 401 (tests in dunwell/restapi).
API_REFUSALS = {401, 403, 404, 405}


def _client(user: Any | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _url(route: Route, world: World) -> str | None:
    """The address of `route` with the world's ids, or None when it names an unknown object."""
    kwargs: dict[str, Any] = {}
    for name in route.kwargs:
        if name == "pk":
            if route.name not in world.pks:
                return None
            kwargs[name] = world.pks[route.name]
        elif name in world.ids:
            kwargs[name] = world.ids[name]
        else:
            return None
    return reverse(route.name, kwargs=kwargs)


def _routes() -> list[Route]:
    return [r for r in walk() if not r.route.startswith(ADMIN_PREFIX)]


def test_every_pattern_is_swept_or_listed(world: World) -> None:
    unknown = [
        f"{r.route} ({r.name or 'no name'})"
        for r in _routes()
        if r.name not in SPECIAL and (not r.name or _url(r, world) is None)
    ]
    assert not unknown, f"new URL patterns: add their objects to the sweep or to SPECIAL: {unknown}"


def test_anonymous_is_sent_to_log_in_everywhere(world: World) -> None:
    client = _client(None)
    problems = []
    for route in _routes():
        if route.name in SPECIAL:
            continue
        url = _url(route, world)
        assert url is not None
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            login = response.status_code == 302 and "/login/" in response["Location"]
            # The API takes no session: 401 without a token (405 for a method it does not serve).
            api_refusal = route.name.startswith("api:") and response.status_code in API_REFUSALS
            if not (login or api_refusal):
                problems.append(f"{method.upper()} {url}: {response.status_code}")
    assert not problems, problems


def test_others_get_403_or_404_on_the_owners_objects_and_change_nothing(world: World) -> None:
    clients = {"teammate": _client(world.teammate), "outsider": _client(world.outsider)}
    before = fingerprint()
    problems = []
    for route in _routes():
        if route.name in SPECIAL or route.name in SHARED:
            continue
        url = _url(route, world)
        assert url is not None
        for who, client in clients.items():
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                status = response.status_code
                allowed = API_REFUSALS if route.name.startswith("api:") else ALLOWED_FOR_OTHERS
                if route.kwargs and status not in allowed or status >= 500:
                    problems.append(f"{who} {method.upper()} {url}: {status}")
                elif status == 200 and world.debtor.name in response.content.decode(
                    errors="ignore"
                ):
                    problems.append(f"{who} {method.upper()} {url}: shows the owner's debtor")
    assert not problems, problems
    assert _others_state(fingerprint()) == _others_state(before)


# What a request may change that is the requester's own: their calendar link (opening their
# preferences makes one). Anything else changed by a teammate or an outsider is a leak.
OWN_STATE = {"work.CalendarFeedToken"}


def _others_state(rows: dict[str, Any]) -> dict[str, Any]:
    return {label: value for label, value in rows.items() if label not in OWN_STATE}


def test_the_owner_never_gets_a_server_error(world: World) -> None:
    client = _client(world.owner)
    problems = []
    for route in _routes():
        if route.name in {"logout"}:
            continue
        url = _url(route, world)
        if url is None:
            continue
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            if status >= 500:
                problems.append(f"{method.upper()} {url}: {status}")
    assert not problems, problems


def test_shared_objects_give_collectors_no_server_error(world: World) -> None:
    for user in (world.owner, world.outsider):
        client = _client(user)
        for route in _routes():
            if route.name in SHARED:
                url = _url(route, world)
                assert url is not None
                for method in ("get", "post"):
                    assert getattr(client, method)(url).status_code < 500, url


def test_the_calendar_feed_needs_its_token(world: World) -> None:
    good = reverse("work:calendar_feed", kwargs={"token": world.ids["token"]})
    bad = reverse("work:calendar_feed", kwargs={"token": "not-a-token"})
    assert _client(None).get(good).status_code == 200
    assert _client(None).get(bad).status_code == 404
    assert _client(world.outsider).get(bad).status_code == 404


def test_the_admin_is_only_for_staff(world: World) -> None:
    for user in (None, world.owner, world.outsider):
        response = _client(user).get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


# Acting is more than seeing: the debtor's sales manager sees the debtor but owns none of these
# objects, so every action on them is refused and changes nothing.
ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("work:task_done", {"note": "done"}),
    ("work:task_skip", {"reason": "not needed"}),
    ("work:resolve_dispute", {"resolution": "credit note issued"}),
    ("work:meeting", {"starts_at": "2026-03-20T10:00", "place": "Cafe"}),
    ("work:call", {"outcome": "no_answer", "task": "{task_id}"}),
    ("ladder:decide", {"decision": "approve"}),
    ("ladder:debtor_scale", {"policy": "{policy_id}", "reason": "set by a sales manager"}),
    ("legal:decide", {"approve": "1"}),
    ("work:note_edit", {"text": "changed by someone else"}),
    ("work:note_delete", {}),
]


def test_someone_who_sees_the_debtor_cannot_act_on_what_is_not_theirs(
    world: World, make_user: Any
) -> None:
    from dunwell.accounts.models import Role

    sales = make_user("sweep-sales", Role.SALES)
    world.debtor.sales_manager = sales
    world.debtor.save()
    client = _client(sales)
    routes = {r.name: r for r in _routes()}
    before = fingerprint()
    problems = []
    for name, data in ACTIONS:
        url = _url(routes[name], world)
        assert url is not None
        posted = {k: str(v).format(**world.ids) for k, v in data.items()}
        status = client.post(url, posted).status_code
        if status not in {403, 404}:
            problems.append(f"POST {url}: {status}")
    assert not problems, problems
    assert _others_state(fingerprint()) == _others_state(before)
