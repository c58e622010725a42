"""A small world with one object of every kind a URL names, for the permission sweep and the
query-parameter fuzz: a debtor of the owner collector with a task, a dispute, a meeting, a call,
a task file, a legal case with an approval and a generated document; and a walk over every URL
pattern of the project."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from dunwell.accounts.models import Role, User


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full route text, its name (namespace:name) and its arguments."""

    route: str
    name: str
    kwargs: tuple[str, ...]


def walk(
    patterns: list[Any] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    """Every URL pattern of the project, nested includes flattened."""
    for item in get_resolver().url_patterns if patterns is None else patterns:
        text = prefix + str(item.pattern)
        if isinstance(item, URLResolver):
            ns = item.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(item.url_patterns, text, inner)
        elif isinstance(item, URLPattern):
            name = f"{namespace}:{item.name}" if namespace and item.name else (item.name or "")
            kwargs = tuple(item.pattern.converters) if hasattr(item.pattern, "converters") else ()
            yield Route(text, name, kwargs)


@dataclass
class World:
    owner: User
    teammate: User
    outsider: User
    supervisor: User
    director: User
    debtor: Any
    ids: dict[str, Any] = field(default_factory=dict)
    # pk of a pattern named here (the `pk` argument means a different model per page)
    pks: dict[str, int] = field(default_factory=dict)


def build_world(
    *,
    collector: User,
    teammate: User,
    outsider: User,
    supervisor: User,
    director: User,
    make_counterparty: Callable[..., Any],
    make_document: Callable[..., Any],
    make_contract: Callable[..., Any],
) -> World:
    from dunwell.ladder.models import Dispute, Policy, Task
    from dunwell.ledger.models import Contact, ImportRun
    from dunwell.legal.models import Approval, GeneratedDocument, LegalCase
    from dunwell.outbox.models import Event
    from dunwell.restapi.tokens import create_token
    from dunwell.webhooks.models import Delivery
    from dunwell.webhooks.services import create_subscription
    from dunwell.work import services as work_services
    from dunwell.work.models import CallActivity, Meeting, TaskAttachment

    cp = make_counterparty(collector=collector, name="Sweep Owner Debtor SRL")
    contract = make_contract(cp)
    doc = make_document(cp, "1500.00", contract=contract, due_date=date(2026, 2, 4))
    Contact.objects.create(counterparty=cp, name="Ana Pop", phone="+40721000000")
    now = timezone.now()
    policy = Policy.objects.get(code="standard")
    task = Task.objects.create(
        counterparty=cp,
        assignee=collector,
        action="letter",
        title="Letter for the sweep",
        due_at=now,
        key=f"sweep:{cp.pk}",
        step=policy.steps.first(),
    )
    approval_task = Task.objects.create(
        counterparty=cp,
        assignee=collector,
        action="letter",
        title="Waiting for approval",
        due_at=now,
        key=f"sweep:approval:{cp.pk}",
        step=policy.steps.first(),
        status="awaiting_approval",
        approval_role=Role.SUPERVISOR,
    )
    dispute = Dispute.objects.create(
        counterparty=cp,
        reason="quality",
        amount=Decimal("100.00"),
        currency=doc.currency,
        responsible=collector,
        registered_at=now,
    )
    meeting = Meeting.objects.create(counterparty=cp, organiser=collector, starts_at=now)
    call = CallActivity.objects.create(counterparty=cp, user=collector, at=now, outcome="no_answer")
    from dunwell.telephony.models import Call

    world_contact = cp.contacts.create(name="World Contact", phone="+40721000111")
    pbx_call = Call.objects.create(
        counterparty=cp,
        contact=world_contact,
        provider="zadarma",
        provider_call_id="world-1",
        direction="in",
        external_number="+40219999999",
        agent=collector,
        started_at=now,
    )
    call.recording.save("call.wav", ContentFile(b"RIFF\x00\x00\x00\x00WAVE"), save=True)
    attachment = TaskAttachment(
        task=task,
        counterparty=cp,
        original_name="letter.pdf",
        content_type="application/pdf",
        size=10,
        method="by_hand",
        uploaded_by=collector,
        uploaded_at=now,
    )
    attachment.file.save("letter.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    case = LegalCase.objects.create(
        company=cp.company,
        counterparty=cp,
        currency=doc.currency,
        opened_at=now,
        opened_by=director,
    )
    approval = Approval.objects.create(case=case, action="lawsuit", requested_at=now)
    paper = GeneratedDocument(
        company=cp.company,
        counterparty=cp,
        case=case,
        kind="pretension",
        language="ro",
        number="P-1",
        created_at=now,
    )
    paper.docx.save("p1.docx", ContentFile(b"PK\x03\x04"), save=True)
    run = ImportRun.objects.create(kind="contacts", company=cp.company, file_name="d.csv")
    token = work_services.calendar_token(collector).token
    subscription, _secret = create_subscription(
        url="https://erp.example.com/hooks", events=["task.created"], user=director
    )
    event = Event.objects.create(kind="task.created", occurred_at=now, counterparty_id=cp.pk)
    delivery = Delivery.objects.create(
        subscription=subscription, event=event, counterparty_id=cp.pk, next_attempt_at=now
    )
    api_token = create_token(collector, ["work:read"], name="sweep").token
    mail_message, mail_attachment, letter = _correspondence(cp, now)
    from dunwell.mail.services import Attachment as MailAttachment
    from dunwell.mail.services import queue_message

    email = queue_message(
        company=cp.company,
        counterparty=cp,
        sender=collector,
        created_by=collector,
        to="ana@sweep.ro",
        subject="Sweep email",
        text="Please pay.",
        attachments=[MailAttachment("statement.pdf", b"%PDF-1.4\n", "application/pdf")],
    )
    from dunwell.letters.models import Wording
    from dunwell.letters.services import Selection, create_mailing

    mailing = create_mailing(supervisor, Selection())
    wording = Wording.objects.filter(kind="firm", language="en").first()
    assert wording is not None
    note = work_services.add_note(collector, cp, "Sweep note")
    from dunwell.work.saved_views import save_view

    saved_view = save_view(collector, "Sweep view", "sort=name")
    credit_rules, credit_check, credit_request = _credit(cp, collector, director, now)
    deal = _deal(cp)
    from dunwell.ledger.models import BankAccount

    bank_account = BankAccount.objects.create(
        company=cp.company, currency="EUR", account="RO22BTRL0130420254170901"
    )
    world = World(collector, teammate, outsider, supervisor, director, cp)
    world.ids = {
        "account_id": bank_account.pk,
        "counterparty_id": cp.pk,
        "task_id": task.pk,
        "dispute_id": dispute.pk,
        "meeting_id": meeting.pk,
        "attachment_id": attachment.pk,
        "call_id": call.pk,
        "token": token,
        "delivery_id": delivery.pk,
        "token_id": api_token.pk,
        "file_id": email.attachments.get().pk,
        "note_id": note.pk,
        "contact_id": world_contact.pk,
        "check_id": credit_check.pk,
        # a scale to set on the debtor's card (ladder:debtor_scale's form)
        "policy_id": Policy.objects.get(code="new").pk,
    }
    world.pks = {
        "telephony:unknown": pbx_call.pk,
        "telephony:call_state": pbx_call.pk,
        "telephony:recording": pbx_call.pk,
        "telephony:dial": world_contact.pk,
        "telephony:add_contact": pbx_call.pk,
        "ladder:policy_edit": policy.pk,
        "ladder:policy_preview": policy.pk,
        "ladder:decide": approval_task.pk,
        "legal:case": case.pk,
        "legal:case_action": case.pk,
        "legal:proof": case.pk,
        "legal:complete_task": case.pk,
        "legal:decide": approval.pk,
        "legal:download": paper.pk,
        "ledger:import_preview": run.pk,
        "ledger:import_detail": run.pk,
        "ledger:import_rerun": run.pk,
        "ledger:import_rejected": run.pk,
        "ledger:company_edit": cp.company_id,
        "ledger:bank_account_new": cp.company_id,
        "ledger:bank_account_edit": cp.company_id,
        "ledger:bank_account_delete": cp.company_id,
        "webhooks:log": subscription.pk,
        "webhooks:created": subscription.pk,
        "webhooks:edit": subscription.pk,
        "webhooks:delete": subscription.pk,
        "webhooks:replay": subscription.pk,
        "api:unsubscribe": subscription.pk,
        "api:deliveries": subscription.pk,
        "api:replay_delivery": subscription.pk,
        "correspondence:message": mail_message.pk,
        "correspondence:assign": mail_message.pk,
        "correspondence:raw": mail_message.pk,
        "correspondence:attachment": mail_attachment.pk,
        "correspondence:letter": letter.pk,
        "correspondence:scan": letter.pk,
        "mail:message": email.pk,
        "mail:attachment": email.pk,
        "mail:retry": email.pk,
        "mail:cancel": email.pk,
        "mail:posted": email.pk,
        "letters:mailing": mailing.pk,
        "letters:mailing_approve": mailing.pk,
        "letters:mailing_progress": mailing.pk,
        "letters:wording_approve": wording.pk,
        "work:view_rename": saved_view.pk,
        "work:view_delete": saved_view.pk,
        "work:view_default": saved_view.pk,
        "credit:rule_edit": credit_rules.pk,
        "credit:approval": credit_request.pk,
        "credit:ask_exception": credit_check.pk,
        **_committee(cp, collector, director, credit_request, now),
        "pipeline:deal_edit": deal.pk,
    }
    world.ids["action"] = "hearing"
    world.ids["fmt"] = "docx"
    world.ids["kind"] = "firm"
    world.ids["language"] = "en"
    world.ids["import_kind"] = "contacts"
    return world


def _deal(cp: Any) -> Any:
    """A sales deal on the owner's debtor (the shipped default stages)."""
    from dunwell.ledger.deals import ensure_default_stages
    from dunwell.ledger.models import Deal, DealStage

    ensure_default_stages([cp.company_id])
    return Deal.objects.create(
        company_id=cp.company_id,
        counterparty=cp,
        external_id="SWEEP-DEAL",
        name="Sweep deal",
        amount=Decimal("900.00"),
        currency="RON",
        stage=DealStage.objects.get(company_id=cp.company_id, code="proposal"),
        stage_entered_on=date(2026, 3, 1),
        expected_close=date(2026, 5, 1),
    )


def _credit(cp: Any, collector: User, director: User, now: Any) -> tuple[Any, Any, Any]:
    """Credit rules, a check of the owner's debtor by the owner and its approval request."""
    from dunwell.credit.models import CreditApprovalRequest, CreditCheck, CreditRuleSet

    rules = CreditRuleSet.objects.create(
        version=1,
        effective_from=date(2026, 1, 1),
        limit_currency="RON",
        created_by=director,
        created_at=now,
    )
    check = CreditCheck.objects.create(
        counterparty=cp,
        user=collector,
        channel="page",
        order_ref="SWEEP-1",
        amount=Decimal("5000.00"),
        currency="RON",
        checked_on=date(2026, 3, 1),
        decision="needs_approval",
        reasons=[{"code": "no_limit", "params": {}, "effect": "needs_approval"}],
        created_at=now,
    )
    request = CreditApprovalRequest.objects.create(
        credit_check=check,
        counterparty=cp,
        order_ref="SWEEP-1",
        amount=Decimal("5000.00"),
        currency="RON",
        reasons=check.reasons,
        requested_by=collector,
        requested_at=now,
    )
    return rules, check, request


def _committee(cp: Any, collector: User, director: User, approval: Any, now: Any) -> dict[str, int]:
    """A committee meeting chaired by the director with a limit request on the owner's debtor
    (filed by the owner) on its agenda, and a negotiation with a recording on the request."""
    from dunwell.credit.models import CommitteeMeeting, LimitRequest, Negotiation

    meeting = CommitteeMeeting.objects.create(day=date(2026, 3, 2), chair=director, created_at=now)
    meeting.members.set([director])
    request = LimitRequest.objects.create(
        counterparty=cp,
        kind="new_limit",
        currency="RON",
        requested_limit=Decimal("9000.00"),
        justification="Sweep request",
        status="on_agenda",
        meeting=meeting,
        filed_by=collector,
        filed_at=now,
    )
    negotiation = Negotiation(limit_request=request, notes="agreed 30 days", recorded_at=now)
    negotiation.recording.save("sweep.mp3", ContentFile(b"ID3sweep"), save=True)
    by_request = dict.fromkeys(
        (
            "credit:request",
            "credit:request_vote",
            "credit:request_decide",
            "credit:request_withdraw",
            "credit:request_take_off",
            "credit:request_negotiation",
        ),
        request.pk,
    )
    by_meeting = dict.fromkeys(
        ("credit:meeting", "credit:meeting_agenda", "credit:meeting_close", "credit:minutes"),
        meeting.pk,
    )
    return {
        **by_request,
        **by_meeting,
        "credit:approval_negotiation": approval.pk,
        "credit:negotiation_recording": negotiation.pk,
    }


def _correspondence(cp: Any, now: Any) -> tuple[Any, Any, Any]:
    """A received email on the owner's debtor with an attachment, and a registered letter
    with its scan."""
    from dunwell.correspondence.models import InboundAttachment, InboundMessage, Mailbox
    from dunwell.correspondence.services import register_letter

    place = Mailbox.objects.create(address="imap://sweep@127.0.0.1:143/INBOX", uidvalidity=1)
    message = InboundMessage(
        mailbox=place,
        uidvalidity=1,
        uid=1,
        message_id="<sweep@buyer.test>",
        fingerprint="<sweep@buyer.test>",
        from_email="ana@buyer.test",
        subject="Sweep reply",
        received_at=now,
        text="We will pay.",
        state="matched",
        counterparty=cp,
        matched_by="address",
    )
    message.raw.save("sweep.eml", ContentFile(b"From: ana@buyer.test\r\n\r\nhi"), save=False)
    message.save()
    attachment = InboundAttachment(
        message=message, filename="act.pdf", content_type="application/pdf", size=15
    )
    attachment.file.save("act.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    letter = register_letter(
        company=cp.company,
        counterparty=cp,
        direction="out",
        on=date(2026, 3, 2),
        party="Ana Pop",
        subject="Pretension",
        by=None,
        tracking_number="RR1RO",
    )
    letter.scan.save("scan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return message, attachment, letter


def fingerprint() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every Dunwell table (bar login times): equal before and after means a
    request changed nothing."""
    from django.apps import apps

    rows: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("dunwell."):
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        rows[model._meta.label] = sorted(
            (tuple(str(v) for v in row) for row in model.objects.values_list(*names)),
        )
    return rows
