import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_lands_a_collector_on_my_day_with_their_name(collector) -> None:
    collector.first_name, collector.last_name = "Colin", "Baker"
    collector.save()
    client = Client()
    response = client.post(
        reverse("login"), {"username": "colin", "password": "pw-colin"}, follow=True
    )
    # login -> home -> the first page of a collector's menu: "My day"
    assert [url for url, _status in response.redirect_chain] == [
        reverse("home"),
        reverse("work:worklist"),
    ]
    assert response.status_code == 200
    page = response.content.decode()
    assert "Colin Baker" in page and "My day" in page


def test_a_wrong_password_does_not_log_in(collector) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "colin", "password": "nope"})
    assert response.status_code == 200
    assert client.get(reverse("work:worklist")).status_code == 302


def test_login_is_throttled_after_repeated_failures(collector, settings) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "colin", "password": "wrong"})
        assert response.status_code == 200
    # Even the right password is refused while the lock lasts.
    response = client.post(reverse("login"), {"username": "colin", "password": "pw-colin"})
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()


def test_anonymous_user_is_sent_to_login() -> None:
    response = Client().get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def _admin(django_user_model):
    return django_user_model.objects.create_user(
        "boss", password="pw-boss", is_staff=True, is_superuser=True
    )


def test_admin_login_refuses_the_right_password_after_twelve_wrong_ones(django_user_model) -> None:
    _admin(django_user_model)
    client = Client()
    for _ in range(12):
        client.post("/admin/login/", {"username": "boss", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "boss", "password": "pw-boss"})
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("spelling", [" colin", "colin ", "\tcolin", "ｃolin", "COLIN"])
def test_a_locked_user_stays_locked_under_any_spelling_of_the_name(
    collector, settings, spelling
) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    client = Client()
    for wrong in (" colin", "ｃolin", "Colin"):
        client.post(reverse("login"), {"username": wrong, "password": "wrong"})
    response = client.post(reverse("login"), {"username": spelling, "password": "pw-colin"})
    assert "Too many failed attempts" in response.content.decode()
    assert client.get(reverse("work:worklist")).status_code == 302


def test_the_login_page_and_the_admin_share_one_throttle(django_user_model, settings) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    _admin(django_user_model)
    client = Client()
    for _ in range(3):
        client.post(reverse("login"), {"username": "boss", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "boss", "password": "pw-boss"})
    assert "Too many failed attempts" in response.content.decode()


def test_one_address_trying_many_names_is_throttled(collector, settings) -> None:
    settings.LOGIN_MAX_FAILURES = 2
    client = Client()
    for n in range(8):
        client.post(reverse("login"), {"username": f"nobody{n}", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "colin", "password": "pw-colin"})
    assert "Too many failed attempts" in response.content.decode()


def test_a_lookalike_name_signs_in_as_the_user(collector) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "ＣOLIN ", "password": "pw-colin"})
    assert response.status_code == 302
    assert client.get(reverse("work:worklist")).status_code == 200


@pytest.mark.parametrize("spelling", [" colin", "colin ", "\tcolin", "ｃolin", "Colin"])
def test_a_lookalike_name_cannot_be_registered_twice(collector, spelling) -> None:
    from django.contrib.auth.forms import UserCreationForm
    from django.db import IntegrityError, transaction

    from dunwell.accounts.models import User

    class Form(UserCreationForm):
        class Meta(UserCreationForm.Meta):
            model = User

    form = Form({"username": spelling, "password1": "Long-pass-123", "password2": "Long-pass-123"})
    assert not form.is_valid()
    assert "username" in form.errors
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(spelling, password="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User(username=spelling).save()


def test_createsuperuser_stores_the_normalised_name(django_user_model) -> None:
    from django.core.management import call_command

    call_command("createsuperuser", username="ＡDMIN", email="a@b.invalid", interactive=False)
    assert django_user_model.objects.filter(username="admin").exists()


@pytest.mark.parametrize(
    ("role", "page", "heading"),
    [
        ("director", "insight:metrics", "Collection KPIs as of"),
        ("finance", "insight:aging", "Aging as of"),
        ("lawyer", "legal:cases", "Legal cases"),
        ("supervisor", "work:team", "Team"),
        ("credit_control", "credit:check", "Credit check"),
    ],
)
def test_signing_in_with_nothing_due_lands_on_the_roles_page(
    make_user, role: str, page: str, heading: str
) -> None:
    """A director, finance, a lawyer, a supervisor or a credit controller with no task today
    lands on the page their work starts from, not on an empty "My day"."""
    make_user("rhea", role)
    client = Client()
    response = client.post(
        reverse("login"), {"username": "rhea", "password": "pw-rhea"}, follow=True
    )
    assert [url for url, _status in response.redirect_chain] == [reverse("home"), reverse(page)]
    assert heading in response.content.decode()


def _director_with_a_call(make_user, make_counterparty, due_in_days: int) -> None:
    """The director "rhea" with a call task due `due_in_days` from now."""
    from datetime import timedelta

    from django.utils import timezone

    from dunwell.ladder import services as ladder

    ladder.create_manual_task(
        counterparty=make_counterparty(),
        assignee=make_user("rhea", "director"),
        action="call",
        due_at=timezone.now() + timedelta(days=due_in_days),
        title="Call the owner",
        user=None,
    )


def test_signing_in_with_a_task_due_today_lands_on_my_day_whatever_the_role(
    make_user, make_counterparty
) -> None:
    _director_with_a_call(make_user, make_counterparty, 0)
    client = Client()
    response = client.post(
        reverse("login"), {"username": "rhea", "password": "pw-rhea"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("work:worklist")
    assert "Call the owner" in response.content.decode()


def test_a_task_due_later_does_not_keep_a_director_on_my_day(make_user, make_counterparty) -> None:
    _director_with_a_call(make_user, make_counterparty, 2)
    client = Client()
    client.login(username="rhea", password="pw-rhea")
    assert client.get(reverse("home"))["Location"] == reverse("insight:metrics")


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Credit approvals"), ("ro", "Aprobări de credit")]
)
def test_a_credit_controller_with_orders_waiting_lands_on_them(
    make_user, make_counterparty, language: str, heading: str
) -> None:
    """The credit controller landed on the credit check while orders waited for their
    decision: with one waiting, signing in opens the queue; with none, the credit check."""
    from decimal import Decimal

    from dunwell.accounts.models import User
    from dunwell.credit.models import CreditApprovalRequest
    from dunwell.credit.services import check
    from dunwell.money import Money

    make_user("rhea", "credit_control", language=language)
    seller = make_user("sam", "sales")
    cp = make_counterparty(sales_manager=seller)
    check(cp, Money(Decimal("100"), "RON"), "R-1", seller)  # no rules: needs approval
    assert CreditApprovalRequest.objects.filter(status="pending").exists()
    client = Client()
    response = client.post(
        reverse("login"), {"username": "rhea", "password": "pw-rhea"}, follow=True
    )
    chain = [url for url, _status in response.redirect_chain]
    assert chain == [reverse("home"), reverse("credit:approvals")]
    assert heading in response.content.decode()
    # With none waiting, the credit check, as before.
    CreditApprovalRequest.objects.update(status="approved")
    again = Client()
    again.force_login(User.objects.get(username="rhea"))
    assert again.get(reverse("home"))["Location"] == reverse("credit:check")


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "1 order waits for a credit decision"),
        ("ru", "1 заказ ожидает кредитного решения"),
    ],
)
def test_a_director_whose_only_work_is_an_order_waiting_for_credit_lands_on_my_day(
    make_user, make_counterparty, language: str, says: str
) -> None:
    """A director with no task due and no step to approve, but an order waiting for a credit
    decision, landed on the KPIs: signing in now opens My day, which says the order waits;
    with none waiting, the KPIs as before."""
    from decimal import Decimal

    from dunwell.accounts.models import User
    from dunwell.credit.models import CreditApprovalRequest
    from dunwell.credit.services import check
    from dunwell.money import Money

    make_user("rhea", "director", language=language)
    seller = make_user("sam", "sales")
    cp = make_counterparty(sales_manager=seller)
    check(cp, Money(Decimal("100"), "RON"), "R-1", seller)  # no rules: needs approval
    client = Client()
    response = client.post(
        reverse("login"), {"username": "rhea", "password": "pw-rhea"}, follow=True
    )
    chain = [url for url, _status in response.redirect_chain]
    assert chain == [reverse("home"), reverse("work:worklist")]
    assert says in response.content.decode()
    CreditApprovalRequest.objects.update(status="approved")
    again = Client()
    again.force_login(User.objects.get(username="rhea"))
    assert again.get(reverse("home"))["Location"] == reverse("insight:metrics")
