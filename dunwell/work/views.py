"""Pages of the workspace. Views stay thin: check input, call one selector or service."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext
from django.views.decorators.http import require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_change_note,
    can_edit_contacts,
    can_edit_meeting,
    can_resolve_dispute,
    can_see_counterparty,
    can_skip_task,
    can_work_task,
    can_write_note,
)
from dunwell.cells import xlsx_response
from dunwell.compiled import together
from dunwell.forms import AmountField, query_id
from dunwell.interest.fx import rates_on
from dunwell.ladder.decide import DEFAULT_WINDOW
from dunwell.ladder.holds import disputed_of, open_documents, promise_covers
from dunwell.ladder.models import Dispute, Task
from dunwell.ledger.services import work_calendar as company_calendar
from dunwell.money import ZERO, Amounts, Money, format_amounts, format_money, largest_currency
from dunwell.money_l10n import money_text
from dunwell.views import bad_query
from dunwell.work import calendar as work_calendar
from dunwell.work import exports, ladder_bridge, selectors, services, task_queries
from dunwell.work.forms import (
    AgreementForm,
    CalendarQueryForm,
    LanguageForm,
    MeetingForm,
    OutcomeForm,
    PersonFilterForm,
    ReassignForm,
    ScriptForm,
    SentByHandForm,
    SkipForm,
    TaskNoteForm,
    WorklistAmountForm,
)
from dunwell.work.logic import DEFAULT_BUCKETS, fill_script
from dunwell.work.models import (
    NOTE_MAX_LENGTH,
    CallActivity,
    CallScript,
    Meeting,
    Note,
    Notification,
    Outcome,
    Situation,
    TaskAttachment,
)
from dunwell.work.rows import document_rows, payment_rows, timeline_rows
from dunwell.work.uploads import recording_content_type


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _url_or_empty(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@login_required
def debtor(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    user = _user(request)
    counterparty = selectors.visible_counterparty(user, counterparty_id)
    return _render_debtor(request, counterparty)


def _timeline_choice(user: User, asked: str | None) -> str:
    """The filter asked for (remembered for the next card), else the one last chosen."""
    if asked is None:
        return selectors.remembered_timeline_filter(user)
    choice = asked if asked in selectors.TIMELINE_FILTERS else ""
    services.remember_timeline_filter(user, choice)
    return choice


def _render_debtor(
    request: HttpRequest,
    counterparty: Any,
    note_error: str = "",
    note_text: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    timeline_filter = _timeline_choice(user, request.GET.get("timeline"))
    today = timezone.localdate()
    bounds = selectors.card_bounds()  # the company's buckets, as the aging page has them
    reads = selectors.card_reads(counterparty, today, timeline_filter, bounds)
    # The page renders inside the block: its panels and the menu's badge read there too.
    with together(reads + selectors.page_reads(user)):
        card = selectors.debtor_card(counterparty, today, timeline_filter, bounds)
        payments = selectors.payment_history(counterparty, request.GET.get("payments"))
        pinned = selectors.pinned_notes(counterparty)
        # Every caller read `counterparty` with `selectors.visible_counterparty` for this user.
        may_write = can_write_note(user, counterparty.pk, seen=True)
        manager = services.is_manager(user)
        return render(
            request,
            "work/debtor.html",
            {
                "card": card,
                "document_rows": document_rows(card.documents),
                "timeline_rows": timeline_rows(
                    card.timeline,
                    counterparty_id=counterparty.pk,
                    csrf_token=get_token(request),
                    can_write=may_write,
                    user_id=user.pk,
                    is_manager=manager,
                    note_max=NOTE_MAX_LENGTH,
                ),
                "cp": counterparty,
                "timeline_filter": timeline_filter,
                "timeline_filters": list(selectors.TIMELINE_FILTERS),
                "can_reassign": manager,
                "can_edit_contacts": can_edit_contacts(user, counterparty.pk, seen=True),
                "scale_control": ladder_bridge.scale_control(user, counterparty),
                "documents_url": _url_or_empty("legal:debtor_documents", counterparty.pk),
                "correspondence_url": _url_or_empty("correspondence:debtor", counterparty.pk),
                "payments": payments,
                "payment_rows": payment_rows(payments.rows),
                "pinned_notes": pinned,
                "clock": selectors.debtor_clock(counterparty, timezone.now()),
                "can_write_note": may_write,
                "is_manager": manager,
                "note_error": note_error,
                "note_text": note_text,
                "note_max": NOTE_MAX_LENGTH,
            },
            status=status,
        )


# --- notes on the debtor card (issue 16, item 4) ---------------------------------------------


@login_required
@require_POST
def note_add(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    user = _user(request)
    counterparty = selectors.visible_counterparty(user, counterparty_id)
    if not can_write_note(user, counterparty.pk):
        raise PermissionDenied
    text = request.POST.get("text", "")
    try:
        services.add_note(user, counterparty, text, pinned=request.POST.get("pinned") == "1")
    except services.WorkError as exc:
        return _render_debtor(request, counterparty, str(exc.message), text, status=400)
    messages.success(request, _("Note added."))
    return redirect(reverse("work:debtor", args=[counterparty.pk]) + "#timeline")


def _visible_note(request: HttpRequest, counterparty_id: int, note_id: int) -> Note:
    counterparty = selectors.visible_counterparty(_user(request), counterparty_id)
    return get_object_or_404(
        Note.objects.select_related("counterparty"), pk=note_id, counterparty=counterparty
    )


@login_required
@require_POST
def note_pin(request: HttpRequest, counterparty_id: int, note_id: int) -> HttpResponse:
    user = _user(request)
    note = _visible_note(request, counterparty_id, note_id)
    if not can_write_note(user, note.counterparty_id):
        raise PermissionDenied
    pinned = request.POST.get("pinned") == "1"
    services.pin_note(user, note, pinned)
    messages.success(request, _("Note pinned to the top.") if pinned else _("Note unpinned."))
    return redirect("work:debtor", counterparty_id)


@login_required
@require_POST
def note_edit(request: HttpRequest, counterparty_id: int, note_id: int) -> HttpResponse:
    user = _user(request)
    note = _visible_note(request, counterparty_id, note_id)
    if not can_change_note(user, note):
        raise PermissionDenied
    try:
        services.edit_note(user, note, request.POST.get("text", ""))
    except services.WorkError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Note changed."))
    return redirect(reverse("work:debtor", args=[counterparty_id]) + "#timeline")


@login_required
@require_POST
def note_delete(request: HttpRequest, counterparty_id: int, note_id: int) -> HttpResponse:
    user = _user(request)
    note = _visible_note(request, counterparty_id, note_id)
    if not can_change_note(user, note):
        raise PermissionDenied
    services.delete_note(user, note)
    messages.success(request, _("Note deleted."))
    return redirect(reverse("work:debtor", args=[counterparty_id]) + "#timeline")


@login_required
def debtor_export(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    counterparty = selectors.visible_counterparty(_user(request), counterparty_id)
    content = exports.open_documents_xlsx(counterparty, timezone.localdate())
    filename = f"open-documents-{counterparty.external_id}.xlsx"
    return xlsx_response(content, filename)


def _situation(card: selectors.DebtorCard, contact_decides: bool) -> str:
    if not card.header.max_days_overdue:
        return Situation.BEFORE_DUE
    # A dispute settled or rejected since the last call wins over talking to the
    # decision-maker: the customer is waiting for the decision, and asking a decision-maker
    # for a date on money they still believe disputed gets no date (DESIGN §1.7: once
    # resolved, the collector asks again). The decision-maker is the one to hear it anyway.
    if card.ladder.resolved_dispute_since_last_call:
        return Situation.AFTER_DISPUTE_RESOLVED
    if contact_decides:
        return Situation.DECISION_MAKER
    if card.ladder.broken_promises:
        return Situation.AFTER_BROKEN_PROMISE
    return Situation.REPEAT_CALL if card.calls else Situation.FIRST_CALL


def _debt_currencies(counterparty: Any, owed: Amounts) -> list[str]:
    """The currencies a promise, dispute or agreement may be in: those the debtor owes in,
    the one worth the most first (compared in our company's currency at today's rates,
    `money.largest_currency`: 100,000 UAH is less than 5,000 EUR), as the statement and a legal
    case choose it; one who owes nothing (who rang back after a missed call) may still
    promise, in one of its contracts' currencies (first: what it deals in) or in our
    company's."""
    home = counterparty.company.currency
    if owed:
        amounts = {m.currency: m.amount for m in owed}
        if len(amounts) == 1:
            return list(amounts)
        main = largest_currency(amounts, home, rates_on(timezone.localdate()))
        return [main, *sorted(set(amounts) - {main})]
    from dunwell.ledger.models import Contract

    contracts = Contract.objects.filter(counterparty=counterparty).values_list(
        "currency", flat=True
    )
    return [*sorted(set(contracts) - {home}), home]


def _open_currencies(counterparty: Any) -> list[str]:
    # Only its totals are read: the shipped buckets spare reading the company's.
    header = selectors.debtor_header(counterparty, timezone.localdate(), bounds=DEFAULT_BUCKETS)
    return _debt_currencies(counterparty, header.total_due)


def _promise_choices(
    card: selectors.DebtorCard, currencies: list[str], asked: Amounts | None = None
) -> list[tuple[str, Any]]:
    """Each currency a promise may be in, with the amount to pre-fill: what is asked for in it
    (`asked`: the overdue less what open disputes hold, as the script and the letters ask;
    the header's overdue without it), else all that is open in it, else nothing (a currency the
    debtor owes nothing in)."""
    header = card.header
    wanted = header.overdue if asked is None else asked
    return [
        (
            c,
            (wanted.get(c).amount or None)  # all of it disputed: nothing to pre-fill
            if header.overdue.get(c).amount
            else header.total_due.get(c).amount or None,
        )
        for c in currencies
    ]


def _wrong_person_recorded(data: dict[str, Any]) -> str:
    """What a wrong person's outcome did: who decides payments, saved among the debtor's
    contacts, and when the call to them is (it read "Outcome recorded: Wrong person" alone)."""
    due_at = Task.objects.filter(pk=data.get("task", 0)).values_list("due_at", flat=True).first()
    if due_at is None:
        return _(
            "Recorded: wrong person. Payments are decided by %(who)s: saved among the "
            "debtor's contacts."
        ) % {"who": data["who"]}
    return _(
        "Recorded: wrong person. Payments are decided by %(who)s: saved among the debtor's "
        "contacts, a call to them is scheduled for %(when)s."
    ) % {
        "who": data["who"],
        "when": date_format(timezone.localtime(due_at), "SHORT_DATETIME_FORMAT"),
    }


def _abusive_call_back_moved(
    counterparty: Any, activity: CallActivity, label: Any, when: str
) -> str:
    """Why an abusive call is called back later than in 30 minutes (the debtor's working hours
    are over by then, or it is their day off), or "" when it is called back in 30 minutes: the
    collector read only the later time and took it for a mistake."""
    if activity.outcome != Outcome.ABUSIVE or activity.call_back_at is None:
        return ""
    then = activity.at + services.ABUSIVE_CALL_BACK
    if activity.call_back_at == then:
        return ""
    clock = selectors.debtor_clock(counterparty, then)
    if clock is None:
        return ""
    start, end = DEFAULT_WINDOW
    values = {
        "outcome": label,
        "when": when,
        "local": clock.at.strftime("%H:%M"),
        "hours": f"{start:%H:%M}–{end:%H:%M}",
    }
    if not company_calendar(counterparty.company, counterparty.country).is_working_day(
        clock.at.date()
    ):
        return (
            _(
                "Outcome recorded: %(outcome)s. The call-back is scheduled for %(when)s, not in"
                " 30 minutes: it is a day off for the debtor then (their local time %(local)s)."
            )
            % values
        )
    return (
        _(
            "Outcome recorded: %(outcome)s. The call-back is scheduled for %(when)s, not in 30"
            " minutes: it is outside the debtor's working hours then (their local time"
            " %(local)s; working hours %(hours)s)."
        )
        % values
    )


# The outcomes recorded with one button of the quick form (its note is theirs).
QUICK_OUTCOMES = ("no_answer", "refused", "abusive")


@login_required
def call_card(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    user = _user(request)
    counterparty = selectors.visible_counterparty(user, counterparty_id)
    today = timezone.localdate()
    # The call card shows no aging row: the shipped buckets spare reading the company's.
    card = selectors.debtor_card(counterparty, today, bounds=DEFAULT_BUCKETS)
    documents = [
        (
            row["document"].pk,
            f"{row['document'].number} · "
            + money_text(Money(row["document"].open_amount, row["document"].currency)),
        )
        for row in card.documents
    ]
    currencies = _debt_currencies(counterparty, card.header.total_due)
    if request.method == "POST":
        form = OutcomeForm(
            request.POST,
            request.FILES,
            documents=documents,
            currencies=currencies,
            region=counterparty.country,
        )
        if form.is_valid():
            data = form.cleaned_data
            closing = (
                Task.objects.filter(pk=data["task"], counterparty=counterparty).first()
                if data["task"]
                else None
            )
            if closing is not None and not can_work_task(user, closing):
                raise PermissionDenied
            try:
                activity = services.record_call_outcome(
                    user,
                    counterparty,
                    services.OutcomeInput(
                        outcome=data["outcome"],
                        note=data["note"],
                        contact_id=data["contact"],
                        task_id=data["task"],
                        promised_on=data["promised_on"],
                        promised_amount=data["promised_amount"],
                        promised_currency=data["promised_currency"],
                        promised_by=data["promised_by"],
                        dispute_reason=data["dispute_reason"],
                        dispute_amount=data["dispute_amount"],
                        dispute_currency=data["dispute_currency"],
                        dispute_document_ids=tuple(data["dispute_documents"]),
                        call_back_at=data["call_back_at"],
                        decider_name=data["decider_name"],
                        decider_phone=data["decider_phone"],
                        decider_email=data["decider_email"],
                        decider_position=data["decider_position"],
                        recording=data["recording"],
                    ),
                )
            except services.WorkError as exc:
                messages.error(request, str(exc.message))
            else:
                from dunwell.telephony.services import link_outcome

                link_outcome(request.GET.get("call", ""), user, activity, closing)
                label = Outcome(data["outcome"]).label
                if activity.call_back_at is not None:
                    # Say when: "Reapel" alone left the collector to open the task to check.
                    when = date_format(
                        timezone.localtime(activity.call_back_at), "SHORT_DATETIME_FORMAT"
                    )
                    # An abusive call's call-back later than in 30 minutes says why.
                    said = _abusive_call_back_moved(counterparty, activity, label, when)
                    messages.success(
                        request,
                        said
                        or _(
                            "Outcome recorded: %(outcome)s."
                            " The call-back is scheduled for %(when)s."
                        )
                        % {"outcome": label, "when": when},
                    )
                elif activity.outcome == Outcome.PROMISE:
                    # What was promised, to check it at a glance: the label alone did not say.
                    promised = activity.data
                    messages.success(
                        request,
                        _("Promise to pay recorded: %(amount)s by %(date)s.")
                        % {
                            "amount": money_text(
                                Money(Decimal(promised["amount"]), promised["currency"])
                            ),
                            "date": date_format(
                                date.fromisoformat(promised["date"]), "SHORT_DATE_FORMAT"
                            ),
                        },
                    )
                elif activity.outcome == Outcome.DISPUTE:
                    messages.success(request, _dispute_recorded(activity.data["dispute"]))
                elif activity.outcome == Outcome.WRONG_PERSON:
                    messages.success(request, _wrong_person_recorded(activity.data))
                else:
                    messages.success(request, _("Outcome recorded: %s") % label)
                if data["task"]:
                    return redirect("work:worklist")
                return redirect("work:debtor", counterparty.pk)
        else:
            # Say which field is wrong and why, not only that something is.
            problems = [
                f"{form.fields[name].label or name}: {error}" if name in form.fields else str(error)
                for name, errors in form.errors.items()
                for error in errors
            ]
            messages.error(
                request, " ".join([_("Please correct the outcome form."), *problems]).strip()
            )
    else:
        form = OutcomeForm(documents=documents, currencies=currencies)
    contacts = card.active_contacts
    contact_id = request.GET.get("contact")
    contact = next((c for c in contacts if str(c.pk) == contact_id), None)
    if contact is None:
        contact = next((c for c in contacts if c.decides_payments), None) or (
            contacts[0] if contacts else None
        )
    # Every script but the reminder speaks of overdue debt, and the reminder of a due date still
    # to come: a debtor with nothing overdue is offered the reminder alone, one in arrears all
    # but the reminder ("0 zile de întârziere" was read to a debtor not yet late).
    before_due = not card.header.max_days_overdue
    situations = [
        (value, label)
        for value, label in Situation.choices
        if (value == Situation.BEFORE_DUE) == before_due
    ]
    situation = request.GET.get("situation", "")
    if situation not in dict(situations):
        situation = _situation(card, bool(contact and contact.decides_payments))
    language = counterparty.language
    scripts = {s.situation: s for s in CallScript.objects.filter(language=language)}
    oldest = card.documents[0]["document"] if card.documents else None
    asked, disputed = (
        _asked_and_disputed(counterparty.pk, today)
        if ladder_bridge.may_hold_disputed(card.ladder)
        else (card.header.overdue, Amounts())  # no open dispute: all that is overdue
    )
    # "Overdue X, of which Y disputed": the header's figure beside what the script asks for.
    header_disputed = Amounts.of(
        (m.currency, m.amount - asked.get(m.currency).amount) for m in card.header.overdue
    ).nonzero()
    # The script is read to the debtor: amounts, dates and day counts in the debtor's language.
    with translation.override(language):
        values = {
            "debtor": counterparty.name,
            "contact": contact.name if contact else "",
            "collector": str(user),
            "company": counterparty.company.name,
            # What the letters ask for: the overdue debt less what open disputes hold.
            "overdue": _script_amounts(asked, counterparty.company.currency, language),
            "disputed": _script_amounts(disputed, counterparty.company.currency, language),
            "total": _script_amounts(
                card.header.total_due, counterparty.company.currency, language
            ),
            # The bare number, for scripts written before {days_late}.
            "days_overdue": str(card.header.max_days_overdue),
            "days_late": npgettext(
                "call script", "%(n)s day", "%(n)s days", card.header.max_days_overdue
            )
            % {"n": card.header.max_days_overdue},
            "oldest_document": oldest.number if oldest else "",
            "due_date": date_format(oldest.due_date, "SHORT_DATE_FORMAT") if oldest else "",
        }
    script = scripts.get(situation)
    skip_task = None
    # The task being worked (a missed call's call-back, a step's call): named on the card.
    open_task = None
    task_param = query_id(request.GET.get("task", ""))
    if task_param is not None:
        candidate = (
            Task.objects.select_related("step", "counterparty")
            .filter(pk=task_param, counterparty=counterparty)
            .first()
        )
        if candidate is not None and candidate.is_open:
            open_task = candidate
            if can_skip_task(user, candidate):
                skip_task = candidate
    call_back = selectors.call_back_suggestion(
        counterparty, timezone.now(), services.FOLLOW_UP_HOUR
    )
    return render(
        request,
        "work/call.html",
        {
            "card": card,
            "cp": counterparty,
            # When to call is the debtor's hour, not the collector's (a Moscow buyer an hour on).
            "clock": selectors.debtor_clock(counterparty, timezone.now()),
            "form": form,
            "contact": contact,
            "situation": situation,
            "header_disputed": header_disputed,
            "situations": situations,
            "can_reassign": services.is_manager(user),
            "can_edit_contacts": can_edit_contacts(user, counterparty.pk, seen=True),
            # A debtor with no open document (one who rang back after a missed call) has no debt
            # to read out: every script speaks of one ("overdue 0 days, 0.00 to pay").
            "owes_nothing": not card.documents,
            "script_text": fill_script(script.text, values) if script and card.documents else "",
            "task_id": request.GET.get("task", ""),
            "skip_task": skip_task,
            "open_task": open_task,
            # What an active promise covers, so that a call about the rest is not read as the
            # promise lost (a promise pauses only the documents it pays).
            "promise_notes": task_queries.promise_notes(
                promise_covers(counterparty.pk, today), open_task
            ),
            "skip_form": SkipForm(),
            "outcomes": Outcome,
            "now_local": timezone.localtime(call_back).strftime("%Y-%m-%dT%H:%M"),
            "promise_choices": _promise_choices(card, currencies, asked),
            # A refused outcome comes back with what was typed, in the form it was typed in.
            "posted": form.data.get("outcome", "") if form.is_bound else "",
            "quick_outcomes": QUICK_OUTCOMES,
        },
    )


def _asked_and_disputed(counterparty_id: int, today: date) -> tuple[Amounts, Amounts]:
    """The overdue debt a call asks for, per currency, and what open disputes hold of the open
    debt: laid over the documents as the ladder and the letters lay them
    (`ladder.holds.disputed_of`), so the script asks for what the letter asks for (it read
    the disputed 3 000 out as overdue while the letter left them out)."""
    documents = open_documents(counterparty_id)
    held = disputed_of(counterparty_id, today, documents)
    rows = [(currency, *row) for currency, found in documents.items() for row in found]
    asked = Amounts.of(
        (currency, amount - held.get(doc_id, ZERO))
        for currency, doc_id, due, amount in rows
        if due < today
    ).nonzero()
    disputed = Amounts.of(
        (currency, held.get(doc_id, ZERO)) for currency, doc_id, _due, _amount in rows
    ).nonzero()
    return asked, disputed


def _script_amounts(amounts: Amounts, home_currency: str, language: str) -> str:
    """Amounts as the script reads them to the debtor; nothing owed is a zero in our company's
    currency ("0,00 MDL"), not a bare "0,00" (a debtor who called without a debt)."""
    if not amounts.by_currency:
        return format_money(Money(ZERO, home_currency), language)
    return format_amounts(amounts, language)


@login_required
def reassign(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    user = _user(request)
    if not services.is_manager(user):
        raise PermissionDenied(_("Only a supervisor or the director reassigns debtors."))
    counterparty = selectors.visible_counterparty(user, counterparty_id)
    candidates = selectors.reassignment_candidates(counterparty, user)
    choices = [(u.pk, str(u)) for u in candidates]
    form = ReassignForm(request.POST or None, candidates=choices)
    if request.method == "POST" and form.is_valid():
        target = get_object_or_404(User, pk=form.cleaned_data["to_user"])
        try:
            services.reassign_counterparty(user, counterparty, target, form.cleaned_data["reason"])
        except services.WorkError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Reassigned to %s.") % target)
            return redirect("work:debtor", counterparty.pk)
    return render(
        request,
        "work/reassign.html",
        {"cp": counterparty, "form": form, "worked": selectors.worked_with(counterparty)},
    )


@login_required
def meeting(
    request: HttpRequest, counterparty_id: int, meeting_id: int | None = None
) -> HttpResponse:
    user = _user(request)
    counterparty = selectors.visible_counterparty(user, counterparty_id)
    instance = None
    if meeting_id is not None:
        instance = get_object_or_404(Meeting, pk=meeting_id, counterparty=counterparty)
        if request.method == "POST" and not can_edit_meeting(user, instance):
            raise PermissionDenied
    posted = request.POST if request.method == "POST" else None
    wants_agreement = posted is not None and posted.get("form") == "agreement" and instance
    # The meeting and its agreement are one form: saving the schedule keeps (and saves) what
    # was just typed into the checklist and the protocol, which the agreement also takes.
    form = MeetingForm(posted, instance=instance)
    currencies = _open_currencies(counterparty)
    agreement_form = (
        AgreementForm(posted if wants_agreement else None, currencies=currencies)
        if instance is not None
        else None
    )
    if posted is not None and form.is_valid():
        if wants_agreement:
            assert agreement_form is not None and instance is not None
            if agreement_form.is_valid():
                try:
                    with transaction.atomic():
                        saved = services.save_meeting(
                            user, counterparty, form.cleaned_data, instance
                        )
                        agreement_id = ladder_bridge.create_agreement(
                            user,
                            counterparty,
                            agreement_form.cleaned_data["signed_on"],
                            agreement_form.cleaned_data["instalments"],
                            saved.good_relations_until,
                            saved.protocol,
                            agreement_form.cleaned_data["currency"],
                        )
                        # the meeting's later good-relations dates reach this schedule too
                        saved.agreements.add(agreement_id)
                except services.WorkError as exc:
                    messages.error(request, str(exc.message))
                else:
                    messages.success(request, _("Repayment agreement saved."))
                    return redirect("work:meeting", counterparty.pk, saved.pk)
            else:
                messages.error(request, _("Please correct the repayment schedule."))
        else:
            try:
                saved = services.save_meeting(user, counterparty, form.cleaned_data, instance)
            except services.WorkError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("Meeting saved."))
                return redirect("work:meeting", counterparty.pk, saved.pk)
    return render(
        request,
        "work/meeting.html",
        {
            "cp": counterparty,
            "form": form,
            "meeting": instance,
            "agreement_form": agreement_form,
            **_schedule_checks(counterparty),
            # The signed schedule and the protocol as documents (DOCX, PDF) in the debtor's
            # language, made from what was recorded here rather than typed again.
            "protocol_lines": (instance.protocol if instance else "").strip(),
            "meeting_day": timezone.localtime(instance.starts_at).date() if instance else None,
            "currencies": currencies,
            # the protocol states the debt in each currency, the agreed one first
            "protocol_currency": _protocol_currency(instance, currencies),
        },
    )


def _schedule_checks(counterparty: Any) -> dict[str, Any]:
    """The debtor's open debt per currency (never added across currencies), shown beside the
    schedule, and its agreements, each active one whose unpaid instalments do not add up to
    the open debt of its currency marked `differs` with that debt as `owed`: a warning, not a
    refusal, since a schedule for part of the debt is legitimate."""
    today = timezone.localdate()
    owed = selectors.debtor_header(counterparty, today, bounds=DEFAULT_BUCKETS).total_due
    agreements = ladder_bridge.facts_for(counterparty, today).agreements
    for agreement in agreements:
        agreement["owed"] = owed.get(agreement["currency"])
        agreement["differs"] = agreement["active"] and (
            agreement["to_pay"] != agreement["owed"].amount
        )
    return {
        "open_debt": [owed.get(currency) for currency in owed.currencies],
        "agreements": agreements,
    }


def _protocol_currency(meeting: Meeting | None, currencies: list[str]) -> str:
    """The currency the meeting agreed on (its agreement's), else the debtor's first."""
    agreement = selectors.meeting_agreement(meeting) if meeting is not None else None
    if agreement is not None:
        return str(agreement.currency)
    return currencies[0] if currencies else ""


@login_required
def scripts(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    editable = services.is_manager(user)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Only managers edit call scripts."))
        form = ScriptForm(request.POST)
        if form.is_valid():
            services.save_call_script(user, **form.cleaned_data)
            messages.success(request, _("Call script saved."))
            return redirect(f"{reverse('work:scripts')}?language={form.cleaned_data['language']}")
    language = request.GET.get("language") or user.language
    by_situation = {s.situation: s for s in CallScript.objects.filter(language=language)}
    rows: list[dict[str, Any]] = [
        {"situation": value, "label": label, "script": by_situation.get(value)}
        for value, label in Situation.choices
    ]
    return render(
        request,
        "work/scripts.html",
        {"rows": rows, "language": language, "editable": editable},
    )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = LanguageForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        services.set_language(user, form.cleaned_data["language"])
        return redirect("work:preferences")
    token = services.calendar_token(user)
    feed_url = request.build_absolute_uri(reverse("work:calendar_feed", args=[token.token]))
    return render(request, "work/preferences.html", {"form": form, "feed_url": feed_url})


@login_required
@require_POST
def revoke_feed(request: HttpRequest) -> HttpResponse:
    services.revoke_calendar_token(_user(request))
    messages.success(request, _("The old calendar link no longer works; here is a new one."))
    return redirect("work:preferences")


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        services.mark_notifications_read(user)
        return redirect("work:notifications")
    items = Notification.objects.filter(recipient=user).select_related("counterparty")[:100]
    return render(request, "work/notifications.html", {"items": items})


def _calendar_range(form: CalendarQueryForm) -> tuple[str, Any, Any]:
    view = "day" if form.cleaned_data.get("view") == "day" else "week"
    start = form.cleaned_data.get("date") or timezone.localdate()
    if view == "week":
        start = start - timedelta(days=start.weekday())
    end = start + timedelta(days=1 if view == "day" else 7)
    return view, start, end


def _dispute_recorded(dispute_id: int) -> str:
    """What was registered and who settles it by when: "Dispute" alone left the collector to
    open the card to check the amount and the routing."""
    dispute = Dispute.objects.select_related("responsible").get(pk=dispute_id)
    text = _("Dispute registered: %(reason)s, %(amount)s.") % {
        "reason": services.dispute_reason_label(dispute.reason),
        "amount": money_text(Money(dispute.amount, dispute.currency)),
    }
    if dispute.responsible is not None and dispute.deadline is not None:
        routed = _("%(who)s settles it by %(date)s.") % {
            "who": dispute.responsible,
            "date": date_format(dispute.deadline, "SHORT_DATE_FORMAT"),
        }
        text = f"{text} {routed}"
    elif dispute.responsible is not None:
        text = f"{text} " + _("%(who)s settles it.") % {"who": dispute.responsible}
    return text


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CalendarQueryForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
    view, start, end = _calendar_range(form)
    tz = timezone.get_current_timezone()
    events = work_calendar.events_for(
        user,
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end, time.min, tzinfo=tz),
    )
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    by_day = {d: [e for e in events if timezone.localtime(e.starts).date() == d] for d in days}
    step = timedelta(days=1 if view == "day" else 7)
    # Tasks left from past days stay to do: shown on today, as My day lists them, or a week
    # of past days would read as a free week.
    today = timezone.localdate()
    overdue = work_calendar.overdue_events(user, timezone.now()) if today in by_day else []
    return render(
        request,
        "work/calendar.html",
        {
            "view": view,
            "days": days,
            "by_day": by_day,
            "today": today,
            "overdue": overdue,
            "start": start,
            "prev": start - step,
            "next": start + step,
        },
    )


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCal feed: authenticated by the secret token in the URL only (calendar apps cannot
    log in); a revoked token answers 404."""
    user = work_calendar.user_for_token(token)
    if user is None:
        raise Http404
    now = timezone.now()
    base_url = request.build_absolute_uri("/").rstrip("/")
    body = work_calendar.ical(
        user, now - timedelta(days=30), now + timedelta(days=90), base_url=base_url
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = {
        "action": request.GET.get("action", ""),
        "segment": request.GET.get("segment", ""),
        "country": request.GET.get("country", ""),
        "min_amount": request.GET.get("min_amount", ""),
    }
    amount_form = WorklistAmountForm(request.GET)
    if not amount_form.is_valid():
        return bad_query(request, amount_form)
    from django.template.context_processors import csrf

    from dunwell.telephony.selectors import contacts_to_call, phone_reads
    from dunwell.work.rows import worklist_rows

    now = timezone.now()
    approvals = task_queries.approvals_waiting(user, now)
    # The page renders inside the block: the day's reads and the menu's badge go out in one
    # round trip, then the worklist sends its rows' reads (the phones to call among them).
    with together(selectors.day_reads(user, now) + selectors.page_reads(user)):
        data = selectors.worklist(
            user,
            now,
            action=filters["action"],
            segment=filters["segment"],
            country=filters["country"],
            min_amount=amount_form.cleaned_data["min_amount"],
            page_reads=phone_reads,
        )
        phones = contacts_to_call({item.task.counterparty_id for item in data.items})
        # The token as the template gets it: lazy, read only by a dial form.
        rows = worklist_rows(data.items, phones, csrf(request)["csrf_token"])
        context = {
            "wl": data,
            "filters": filters,
            "rows": rows,
            "approvals": approvals,
        }
        return render(request, "work/worklist.html", context)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not (services.is_manager(user) or user.sees_all):
        raise PermissionDenied(_("The team view is for supervisors and the director."))
    from dunwell.telephony import popups
    from dunwell.telephony.selectors import TalkTime, talk_time

    now = timezone.localtime()
    rows = selectors.team(user, now)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    talk = talk_time([r.user.pk for r in rows], day_start)
    for row in rows:
        row.talk = talk.get(row.user.pk, TalkTime())  # type: ignore[attr-defined]
    return render(
        request,
        "work/team.html",
        {"rows": rows, "following_pops": popups.is_following(user)},
    )


@login_required
@require_POST
def resolve_dispute(request: HttpRequest, counterparty_id: int, dispute_id: int) -> HttpResponse:
    user = _user(request)
    counterparty = selectors.visible_counterparty(user, counterparty_id)
    dispute = get_object_or_404(Dispute, pk=dispute_id, counterparty=counterparty)
    if not can_resolve_dispute(user, dispute):
        raise PermissionDenied
    rejected = request.POST.get("decision") == "reject"
    try:
        # The part accepted (a credit note will come), typed as the user writes amounts.
        accepted = (
            None
            if rejected
            else AmountField(required=False).clean(request.POST.get("accepted", ""))
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("work:debtor", args=[counterparty.pk]) + f"#dispute-{dispute.pk}")
    try:
        ladder_bridge.resolve_dispute(
            user,
            counterparty,
            dispute_id,
            request.POST.get("resolution", ""),
            rejected=rejected,
            accepted=accepted,
        )
    except services.WorkError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Dispute closed; the collector will ask for a payment date."))
    return redirect("work:debtor", counterparty.pk)


# --- task pages: every task kind is done its own way ----------------------------------------


def _render_task(
    request: HttpRequest, task: Any, forms_: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    page = task_queries.task_page(user, task, timezone.localdate())
    context: dict[str, Any] = {
        "page": page,
        "task": task,
        "cp": task.counterparty,
        "sent_form": SentByHandForm(),
        "note_form": TaskNoteForm(),
        "skip_form": SkipForm(),
    }
    context.update(forms_ or {})
    return render(request, "work/task.html", context, status=status)


@login_required
def task(request: HttpRequest, task_id: int) -> HttpResponse:
    """The page a task opens: an open call goes to the call card, an open legal step to its
    legal case; letters, emails, stop-shipments, notices and the rest, and every closed task
    (what was done, by whom and when), have their own page here."""
    user = _user(request)
    item = task_queries.visible_task(user, task_id)
    kind = task_queries.kind_of(item.action)
    if kind == "call" and item.is_open:
        return redirect(task_queries.task_url(item.pk, item.counterparty_id, item.action, True))
    if kind == "legal" and item.is_open:
        legal_url = task_queries.legal_case_url(item.pk)
        if legal_url:
            return redirect(legal_url)
    if item.is_open:  # a dispute to settle: the card at the dispute, where it is settled
        dispute_url = task_queries.dispute_url(item)
        if dispute_url:
            return redirect(dispute_url)
    return _render_task(request, item)


@login_required
@require_POST
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    """Do the task the way its kind is done: sent by hand with the file, shipments stopped,
    the regulation's notices sent, or done with a note."""
    user = _user(request)
    item = task_queries.visible_task(user, task_id)
    if not can_work_task(user, item):
        raise PermissionDenied
    kind = task_queries.kind_of(item.action)
    try:
        if kind == "written":
            sent_form = SentByHandForm(request.POST, request.FILES)
            if not sent_form.is_valid():
                return _render_task(request, item, {"sent_form": sent_form}, status=400)
            try:
                services.mark_sent_by_hand(
                    user, item, sent_form.cleaned_data["file"], sent_form.cleaned_data["note"]
                )
            except services.WorkError as exc:
                sent_form.add_error("file", str(exc.message))
                return _render_task(request, item, {"sent_form": sent_form}, status=400)
            messages.success(request, _("Marked as sent by hand; the file is kept with the task."))
        else:
            note_form = TaskNoteForm(request.POST)
            note = note_form.cleaned_data["note"] if note_form.is_valid() else ""
            if kind == "stop":
                services.confirm_shipments_stopped(user, item, note)
                messages.success(request, _("Shipments to the debtor are stopped."))
            elif kind == "notify":
                notified = services.complete_notify_task(user, item, note)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d person notified.", "%(count)d people notified.", len(notified)
                    )
                    % {"count": len(notified)},
                )
            else:
                services.complete_task_with_note(user, item, note)
                messages.success(request, _("Task done."))
    except services.WorkError as exc:
        messages.error(request, str(exc.message))
        return redirect("work:task", item.pk)
    return redirect("work:worklist")


@login_required
@require_POST
def task_skip(request: HttpRequest, task_id: int) -> HttpResponse:
    """Managers skip a task with a reason; a collector cannot."""
    user = _user(request)
    item = task_queries.visible_task(user, task_id)
    if not can_skip_task(user, item):
        raise PermissionDenied
    form = SkipForm(request.POST)
    if not form.is_valid():
        return _render_task(request, item, {"skip_form": form}, status=400)
    try:
        services.skip_task(user, item, form.cleaned_data["reason"])
    except services.WorkError as exc:
        messages.error(request, str(exc.message))
        return redirect("work:task", item.pk)
    messages.success(request, _("Task skipped."))
    return redirect("work:debtor", item.counterparty_id)


@login_required
def task_file(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A file attached to a task, for those who see the debtor; always as a download."""
    user = _user(request)
    attachment = get_object_or_404(TaskAttachment, pk=attachment_id)
    if not can_see_counterparty(user, attachment.counterparty_id):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
def call_recording(request: HttpRequest, call_id: int) -> FileResponse:
    """A call's recording, for those who see the debtor; always as a download, with the
    content type of what the file really is (checked at upload)."""
    call = get_object_or_404(CallActivity.objects.exclude(recording=""), pk=call_id)
    if not can_see_counterparty(_user(request), call.counterparty_id):
        raise Http404
    name = (call.recording.name or "").rsplit("/", 1)[-1]
    return FileResponse(
        call.recording.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=recording_content_type(name),
    )


@login_required
def on_hold(request: HttpRequest) -> HttpResponse:
    """Tasks that left "My day" because a promise, agreement, dispute or grace holds them: the
    reader's own, and for those who see other people's work theirs too, of one person if asked
    (?assignee=, only a person the reader may see)."""
    user = _user(request)
    form = PersonFilterForm(request.GET, user=user)
    if not form.is_valid():
        return bad_query(request, form)
    items = task_queries.on_hold(user, timezone.now(), form.cleaned_data.get("assignee"))
    # Whose tasks these are is said as soon as the reader may see anyone's but their own.
    show_people = len(form.fields["assignee"].queryset[:2]) > 1  # type: ignore[attr-defined]
    return render(
        request,
        "work/on_hold.html",
        {"items": items, "form": form, "show_people": show_people},
    )
