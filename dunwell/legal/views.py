"""Pages of the legal track: the calculator, the lawyers' case list, a case, a debtor's
documents. Every page filters counterparties through dunwell.accounts.visibility."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, Min, OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import counterparty_filter, visible_counterparties
from dunwell.forms import query_id
from dunwell.ladder.models import OPEN_STATUSES, Task, TaskStatus
from dunwell.ladder.selectors import awaiting_approval
from dunwell.ladder.services import LEGAL_ACTIONS, LadderError
from dunwell.ladder.services import complete_task as complete_ladder_task
from dunwell.ledger.models import Company, Counterparty, Document
from dunwell.legal import forms, periods, selectors, services, timeline_texts
from dunwell.legal.calc import CalcLine, Calculation, ClaimItem, calculate_claim
from dunwell.legal.court_fee import CourtFee
from dunwell.legal.errors import LegalError
from dunwell.legal.models import (
    FINAL_STAGES,
    Approval,
    CaseDeadline,
    CaseStage,
    DeadlineKind,
    GatedAction,
    GeneratedDocument,
    LegalCase,
    PaperKind,
)
from dunwell.money import Amounts
from dunwell.paging import CountedPaginator

CASES_PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _visible_counterparty(request: HttpRequest, pk: int) -> Counterparty:
    return get_object_or_404(
        visible_counterparties(_user(request)).select_related("company", "segment"), pk=pk
    )


def _visible_case(request: HttpRequest, pk: int) -> LegalCase:
    cases = LegalCase.objects.filter(counterparty_filter(_user(request), "counterparty__"))
    return get_object_or_404(
        cases.select_related("counterparty", "counterparty__segment", "company", "lawyer"), pk=pk
    )


# --- calculator ------------------------------------------------------------------------------


@dataclass
class CalcBlock:
    """One calculation shown by the calculator: a contract's documents in one currency, or the
    debt entered by hand."""

    label: str
    currency: str
    items: list[ClaimItem]
    excluded: list[ClaimItem]
    calc: Calculation
    components: list[tuple[str, Decimal, str]]
    principal: Decimal
    rule_label: str
    options_text: str
    rows: list[tuple[CalcLine, str, str, str]]


def _block(
    label: str,
    currency: str,
    items: list[ClaimItem],
    excluded: list[ClaimItem],
    calc: Calculation,
) -> CalcBlock:
    names = selectors.component_labels()
    return CalcBlock(
        label=label,
        currency=currency,
        items=items,
        excluded=excluded,
        calc=calc,
        components=[
            (
                names.get(name, name),
                amount,
                calc.compensation_currency if name == "compensation" else currency,
            )
            for name, amount in calc.components.items()
        ],
        principal=sum((i.open for i in items), Decimal("0.00")),
        rule_label=selectors.RULE_LABELS().get(calc.rule, calc.rule),
        options_text=selectors.options_text(calc.options, get_language()),
        # "0,2% per day" beside an empty year column, as the papers print it; the EUR 40
        # compensation's currency where it is not the block's; the component as the papers
        # name it (with the months an inflation line has no price index for)
        rows=[
            (
                line,
                selectors.rate_text(line, get_language()),
                selectors.other_currency(line, calc, currency),
                selectors.component_text(line, names),
            )
            for line in calc.lines
        ],
    )


def _by_hand(data: dict[str, Any]) -> CalcBlock:
    counterparty: Counterparty | None = data.get("counterparty")
    item = ClaimItem(
        label=_("Debt"),
        date=None,
        due=data["due"],
        amount=data["debt"],
        payments=tuple(sorted(data["payment_pairs"])),
    )
    rule, options = data.get("rule") or "", dict(data["options"])
    if not rule:
        if counterparty is None:
            raise LegalError(_("Pick a rule, or a debtor whose country decides it."))
        rule, defaults = selectors.rule_for(counterparty, None)
        options = {**defaults, **options}
    # the currency the form shows (the debtor's own once one is picked: `_debtor_currency`),
    # else the debtor's: a currency typed for a debtor was overruled by its documents' one
    currency = data["currency"] or (selectors.currency_for(counterparty) if counterparty else "")
    calc = calculate_claim([item], rule, options, data["to"], currency=currency)
    return _block(_("Debt entered by hand"), currency, [item], [], calc)


def _from_ledger(counterparty: Counterparty, data: dict[str, Any]) -> list[CalcBlock]:
    """One block per contract and currency of the debtor's documents, each under its own
    contract's terms (or the rule chosen on the form)."""
    ids = [d.pk for d in data["documents"]] or None
    groups = selectors.claim_groups(
        counterparty, data["to"], ids, rule=data.get("rule") or "", options=dict(data["options"])
    )
    return [
        _block(
            selectors.group_label(g.contract, g.currency),
            g.currency,
            g.items,
            g.excluded,
            g.calculation,
        )
        for g in groups
        if g.calculation is not None
    ]


def _debtor_currency(user: User, raw: Any) -> str:
    """The currency a debt by hand of the debtor `raw` (its id as sent) is pre-filled with:
    its open documents' (their contract's), not the company's (a EUR debtor's read RON); ""
    for no debtor, or one the user does not see."""
    pk = query_id(raw)
    if pk is None:
        return ""
    found = visible_counterparties(user).select_related("company").filter(pk=pk).first()
    return selectors.currency_for(found) if found is not None else ""


@login_required
def calculator(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    source = request.POST if request.method == "POST" else request.GET
    # ?lang= only picks the page's language (the middleware): by itself it asks for nothing
    asked = [key for key in source if key != "lang"]
    data: Any = source if asked else None
    initial: dict[str, Any] = {"to": timezone.localdate()}
    currencies = set(Company.objects.values_list("currency", flat=True))
    if len(currencies) == 1:
        # a debt by hand is in the company's currency unless the user says otherwise
        initial["currency"] = currencies.pop()
    if request.method == "GET" and asked == ["counterparty"]:
        # A link for one debtor (from its legal case): the form with the debtor picked and
        # its documents listed, nothing calculated yet.
        initial["counterparty"] = source["counterparty"]
        initial["currency"] = _debtor_currency(user, source["counterparty"]) or initial.get(
            "currency", ""
        )
        data = None
    form = forms.CalculatorForm(
        data,
        counterparties=visible_counterparties(user).select_related("company"),
        initial=initial,
    )
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        counterparty: Counterparty | None = data.get("counterparty")
        by_hand = data.get("debt") is not None
        try:
            if by_hand:
                blocks = [_by_hand(data)]
            else:
                assert counterparty is not None
                blocks = _from_ledger(counterparty, data)
            if request.method == "POST":
                if counterparty is None:
                    raise LegalError(_("Pick the debtor the pretension is addressed to."))
                params: dict[str, Any] = {"as_of": data["to"]}
                if by_hand:
                    params.update(
                        items=blocks[0].items,
                        calculation=blocks[0].calc,
                        currency=blocks[0].currency,
                    )
                else:
                    # The letter recomputes from the ledger, in its own language.
                    params.update(
                        document_ids=[d.pk for d in data["documents"]] or None,
                        rule=data.get("rule") or "",
                        options=dict(data["options"]),
                    )
                paper = services.generate_document(
                    counterparty,
                    PaperKind.PRETENSION,
                    user,
                    language=data.get("language") or counterparty.language,
                    **params,
                )
                fmt = "pdf" if request.POST.get("format") == "pdf" else "docx"
                return redirect("legal:download", pk=paper.pk, fmt=fmt)
            context.update(
                {
                    "blocks": blocks,
                    # repeated beside the pretension buttons: the letter claims what they say
                    "warnings": list(dict.fromkeys(w for b in blocks for w in b.calc.warnings)),
                    "counterparty": counterparty,
                }
            )
        except (LookupError, ValueError) as exc:
            context["error"] = str(exc)
        except LegalError as exc:
            context["error"] = exc.message
    return render(request, "legal/calculator.html", context)


@login_required
def calculator_documents(request: HttpRequest) -> HttpResponse:
    """The calculator's document list for the debtor just picked (htmx), without calculating:
    only the open documents of a debtor the user sees."""
    user = _user(request)
    counterparties = visible_counterparties(user)
    form = forms.CalculatorForm(
        {"counterparty": request.GET.get("counterparty", "")}, counterparties=counterparties
    )
    context: dict[str, Any] = {"form": form}
    currency = _debtor_currency(user, request.GET.get("counterparty"))
    if currency:
        # the debt by hand's currency becomes the debtor's too (swapped in beside the list)
        filled = forms.CalculatorForm(counterparties=counterparties, initial={"currency": currency})
        context["currency_field"] = filled["currency"]
    return render(request, "legal/_calculator_documents.html", context)


# --- cases -----------------------------------------------------------------------------------


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    show = request.GET.get("show", "open")
    lawyer = request.GET.get("lawyer", "")
    rows = LegalCase.objects.filter(counterparty_filter(user, "counterparty__"))
    if show == "open":
        rows = rows.exclude(stage__in=FINAL_STAGES)
    elif show in CaseStage.values:
        rows = rows.filter(stage=show)
    if lawyer == "me":
        rows = rows.filter(lawyer=user)
    elif lawyer == "none":
        rows = rows.filter(lawyer__isnull=True)
    else:
        lawyer = ""
    # the earliest deadline whose calendar task is still open (overdue ones included)
    nearest = CaseDeadline.objects.filter(
        case=OuterRef("pk"),
        task_id__in=Task.objects.filter(status__in=OPEN_STATUSES).values("pk"),
    ).order_by("due_at")
    rows = (
        rows.select_related("counterparty", "lawyer")
        .annotate(
            next_deadline=Subquery(nearest.values("due_at")[:1]),
            next_deadline_kind=Subquery(nearest.values("kind")[:1]),
            pending_approvals=Min(
                "approvals__id", filter=Q(approvals__status=Approval.Status.PENDING)
            ),
        )
        .order_by(F("next_deadline").asc(nulls_last=True), "-opened_at", "-pk")
    )
    # Every case, a page at a time, with their number (the first daily run opens 57,500 at
    # 1M documents; the list showed the first 500 and said nothing of the rest).
    page = CountedPaginator(rows, CASES_PER_PAGE).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    debts = _open_debts(listed)
    now = timezone.now()
    # Namesakes (two "MedNord SA" among the debtors the user sees) are told apart.
    shared = forms.shared_names(
        visible_counterparties(user), {case.counterparty.name for case in listed}
    )
    for case in listed:
        case.debtor_label = forms.debtor_label(  # type: ignore[attr-defined]
            case.counterparty, shared
        )
        kind = case.next_deadline_kind  # type: ignore[attr-defined]
        # what the nearest deadline is, in the reader's language ("Court hearing")
        case.next_deadline_label = DeadlineKind(kind).label if kind else ""  # type: ignore[attr-defined]
        # a deadline gone by with its task still open: the lawyer has something late
        case.deadline_passed = bool(case.next_deadline and case.next_deadline < now)  # type: ignore[attr-defined]
        case.open_debt = debts.get(case.pk, Amounts())  # type: ignore[attr-defined]
    return render(
        request,
        "legal/cases.html",
        {
            "cases": listed,
            "page": page,
            "page_query": urlencode({"show": show, "lawyer": lawyer}),
            "lawyer": lawyer,
            "show": show,
            "stages": CaseStage.choices,
            "can_work": services.can_work_cases(user),
        },
    )


def _open_debts(cases: list[LegalCase]) -> dict[int, Amounts]:
    """What each case's documents still owe, per currency (one read for the page's cases).
    A document paid since the case opened owes nothing; one deleted since is not counted."""
    wanted = {pk for case in cases for pk in case.document_ids}
    owed = {
        pk: (currency, amount)
        for pk, currency, amount in Document.objects.filter(
            pk__in=wanted, open_amount__gt=0
        ).values_list("pk", "currency", "open_amount")
    }
    return {
        case.pk: Amounts.of(owed[pk] for pk in case.document_ids if pk in owed) for case in cases
    }


@login_required
def case_for_task(request: HttpRequest, task_id: int) -> HttpResponse:
    """Where a legal task of the pressure scale (pretension, hand to the lawyer, court filing,
    a case deadline) is done: its debtor's legal case."""
    user = _user(request)
    task = get_object_or_404(
        Task.objects.filter(counterparty_filter(user, "counterparty__") | Q(assignee=user)),
        pk=task_id,
    )
    case = services.case_for_task(task)
    if case is None:
        messages.info(request, _("This debtor has no legal case yet: open one here."))
        return redirect("legal:debtor_documents", counterparty_id=task.counterparty_id)
    return redirect(reverse("legal:case", args=[case.pk]) + f"?task={task.pk}")


@login_required
@require_POST
def complete_task(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    """Mark a legal task of the case's debtor done from the case page (the ladder records it;
    its step goes onto the case)."""
    user = _user(request)
    case = _visible_case(request, pk)
    if not services.can_work_cases(user):
        raise PermissionDenied
    task = get_object_or_404(
        Task.objects.filter(counterparty_id=case.counterparty_id, status__in=OPEN_STATUSES),
        pk=task_id,
    )
    form = forms.TaskDoneForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("result", []):
            messages.error(request, str(error))
        return redirect("legal:case", pk=case.pk)
    try:
        complete_ladder_task(task, user=user, result=form.cleaned_data["result"])
        messages.success(request, _("Task done."))
    except LadderError as exc:
        messages.error(request, str(exc.message))
    return redirect("legal:case", pk=case.pk)


def _worded(steps: Any) -> list[Any]:
    """Each step with `text` in the reader's language (legal/timeline_texts.py)."""
    out = list(steps)
    for step in out:
        step.text = timeline_texts.step_text(step.kind, step.data, step.summary)
    return out


def _response_moved(case: LegalCase) -> str:
    """Why the response is due later than the pretension period's count ("moved from
    01.01.2027, a public holiday"), or ""."""
    moved_from = case.response_due_moved_from
    if moved_from is None:
        return ""
    return timeline_texts.moved_text(moved_from, periods.moved_why(case.counterparty, moved_from))


def _with_tasks(deadlines: Any) -> list[CaseDeadline]:
    """Each deadline with `task`, its calendar task (or None): whether it is still to do, or
    done and with what result (a hearing the judgment made moot says so); `passed`, for one
    gone by and not done, "passed 3 days ago". The ones to come first (the nearest first),
    then the ones gone by (the latest first)."""
    out = list(deadlines)
    tasks = Task.objects.in_bulk([d.task_id for d in out if d.task_id is not None])
    now = timezone.now()
    today = timezone.localdate()
    for deadline in out:
        task = tasks.get(deadline.task_id)
        deadline.task = task  # type: ignore[attr-defined]
        deadline.passed = ""  # type: ignore[attr-defined]
        # when its task was done ("done on 04.11.2026: Preparing the lawsuit"); not for one the
        # judgment made moot, whose result says so with its day
        deadline.done_on = (  # type: ignore[attr-defined]
            task.done_at
            if task is not None
            and task.status == TaskStatus.DONE
            and not task.result.startswith(MOOT_PREFIX)
            else None
        )
        if deadline.due_at < now and (task is None or task.is_open):
            days = (today - timezone.localdate(deadline.due_at)).days
            deadline.passed = (  # type: ignore[attr-defined]
                ngettext("passed %(days)s day ago", "passed %(days)s days ago", days)
                % {"days": days}
                if days > 0
                else _("passed today")
            )
    coming = sorted((d for d in out if d.due_at >= now), key=lambda d: d.due_at)
    gone = sorted((d for d in out if d.due_at < now), key=lambda d: d.due_at, reverse=True)
    return coming + gone


MOOT_PREFIX = services.MOOT_AFTER_JUDGMENT.split("%(")[0]

# The case's stages in their order, and the stage each step on the case page moves it to.
STAGE_ORDER = [
    CaseStage.NEW,
    CaseStage.PRETENSION_PREPARED,
    CaseStage.AWAITING_RESPONSE,
    CaseStage.LAWSUIT_PREPARING,
    CaseStage.LAWSUIT_FILED,
    CaseStage.HEARINGS,
    CaseStage.JUDGMENT,
    CaseStage.ENFORCEMENT,
]
STEP_STAGE = {
    "pretension_sent": CaseStage.AWAITING_RESPONSE,
    "lawsuit": CaseStage.LAWSUIT_FILED,
    "hearing": CaseStage.HEARINGS,
    "judgment": CaseStage.JUDGMENT,
    "enforcement": CaseStage.ENFORCEMENT,
}
# What a lawyer does next at each stage (DESIGN §1.3: the pretension, its deadline, the court).
NATURAL_STEP = {
    CaseStage.NEW: "pretension_sent",
    CaseStage.PRETENSION_PREPARED: "pretension_sent",
    CaseStage.AWAITING_RESPONSE: "lawsuit",
    CaseStage.LAWSUIT_PREPARING: "lawsuit",
    CaseStage.LAWSUIT_FILED: "hearing",
    CaseStage.HEARINGS: "judgment",
    CaseStage.JUDGMENT: "enforcement",
}
STEP_LABELS = {
    "pretension_sent": gettext_lazy("Pretension sent"),
    "lawsuit": gettext_lazy("Lawsuit filed"),
    "hearing": gettext_lazy("Hearing scheduled"),
    "judgment": gettext_lazy("Judgment"),
    "enforcement": gettext_lazy("Enforcement"),
    "close": gettext_lazy("Close the case"),
    "write_off": gettext_lazy("Write off"),
    "request_approval": gettext_lazy("Ask the director"),
}
STEP_GATE = {"pretension_sent": GatedAction.PRETENSION, "lawsuit": GatedAction.LAWSUIT}


def _next_steps(
    case: LegalCase, user: User, step_forms: dict[str, Any], failed: str | None = None
) -> dict[str, Any]:
    """The steps of the case page's "Next step", sorted for the lawyer: `primary`, the one the
    stage calls for; `forward`, the others that move the case on (or, a hearing, keep it where
    it is); `ending`, closing and writing off; `corrections`, a step already taken recorded
    again, which moves the case back to that earlier stage (services accept every step on an
    open case: they are offered apart, as a correction); `gate`, whether the primary step
    waits for the director (None, "ask" or "pending")."""

    def step(name: str) -> dict[str, Any]:
        # A step whose form was refused opens again with what was typed (`failed`).
        return {
            "name": name,
            "label": STEP_LABELS[name],
            "form": step_forms[name],
            "open": name == failed,
        }

    rank = (
        STAGE_ORDER.index(CaseStage(case.stage)) if case.stage in STAGE_ORDER else len(STAGE_ORDER)
    )
    natural = NATURAL_STEP.get(case.stage)  # type: ignore[call-overload]
    forward, corrections = [], []
    for name, stage in STEP_STAGE.items():
        if name == natural:
            continue
        if name != "hearing" and STAGE_ORDER.index(stage) <= rank:
            corrections.append(step(name))
        else:
            forward.append(step(name))
    gate = None
    action = STEP_GATE.get(natural or "")
    if (
        action is not None
        and not services.can_approve(user)
        and services.needs_approval(case, action)
    ):
        asked = set(
            case.approvals.filter(
                action=action, status__in=[Approval.Status.PENDING, Approval.Status.APPROVED]
            ).values_list("status", flat=True)
        )
        gate = None if Approval.Status.APPROVED in asked else ("pending" if asked else "ask")
    if not services.can_approve(user):  # the director approves; they ask no one
        forward.append(step("request_approval"))
    return {
        "primary": step(natural) if natural else None,
        "gate": gate,
        "forward": forward,
        "ending": [step("close"), step("write_off")],
        "corrections": corrections,
        "correcting": any(c["open"] for c in corrections),
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, _visible_case(request, pk))


def _render_case(
    request: HttpRequest,
    case: LegalCase,
    failed: str | None = None,
    failed_form: Any = None,
) -> HttpResponse:
    """The case page; with `failed`, the step whose form was refused, shown open with
    `failed_form` (what the lawyer typed, the reasons beside the fields), answered 400."""
    user = _user(request)
    today = timezone.localdate()
    deadline_tasks = case.deadlines.exclude(task_id=None).values("task_id")
    # The fee the statement of claim prints, filled in for the lawyer to check (or change).
    fee = (
        selectors.case_court_fee(case, today)
        if case.is_open and case.filed_on is None and services.can_work_cases(user)
        else None
    )
    preparing = case.stage == CaseStage.LAWSUIT_PREPARING
    tasks = (
        Task.objects.filter(counterparty_id=case.counterparty_id, status__in=OPEN_STATUSES)
        .filter(Q(action__in=services.LEGAL_TASK_ACTIONS) | Q(pk__in=deadline_tasks))
        .select_related("assignee")
        .order_by("due_at", "pk")
    )
    step_forms = _step_forms(case, today, fee)
    if failed is not None:
        step_forms[failed] = (
            forms.in_currency(failed_form, case.currency)
            if failed in ("lawsuit", "judgment")
            else failed_form
        )
    return render(
        request,
        "legal/case.html",
        {
            "case": case,
            "steps_behind": _steps_behind(case),
            "steps": _worded(case.steps.select_related("actor")[:200]),
            "deadlines": _with_tasks(case.deadlines.all()),
            "response_moved": _response_moved(case),
            "court_fee": fee,
            "court_fee_rule": _(fee.rule) if fee is not None else "",
            # a claim in a currency the country's rule does not count in: say so, not nothing
            "fee_uncovered": [
                {"currency": cur, "court": court, "rule": _(rule)}
                for cur, court, rule in (selectors.fee_uncovered(case) if preparing else [])
            ],
            "preparing_lawsuit": preparing,
            "approvals": case.approvals.select_related("requested_by", "decided_by"),
            "papers": case.counterparty.generated_documents.all()[:50],
            "tasks": tasks,
            "task_id": request.GET.get("task", ""),
            "done_form": forms.TaskDoneForm(),
            "documents": case.documents.order_by("due_date"),
            "can_work": services.can_work_cases(user) and case.is_open,
            "can_approve": services.can_approve(user),
            "next": _next_steps(case, user, step_forms, failed),
            "decision_form": forms.DecisionForm(),
        },
        status=400 if failed is not None else 200,
    )


# The scale's legal tasks done by a step of the case: a pretension task by "Pretension sent", a
# court filing task by "Lawsuit filed".
TASK_STEP = {"pretension": "pretension_sent", "court_filing": "lawsuit"}


def _steps_behind(case: LegalCase) -> list[str]:
    """The scale's legal task actions whose case step is already taken: recording it again is
    a correction that moves the case back, so such a task (the pretension for a document that
    fell due after the case's letter) is marked done on its own, with what was done."""
    rank = (
        STAGE_ORDER.index(CaseStage(case.stage)) if case.stage in STAGE_ORDER else len(STAGE_ORDER)
    )
    return [
        action for action, step in TASK_STEP.items() if STAGE_ORDER.index(STEP_STAGE[step]) <= rank
    ]


def _step_forms(case: LegalCase, today: date, fee: CourtFee | None) -> dict[str, Any]:
    """The forms of the case page's steps, filled in with today and the court fee."""
    return {
        "pretension_sent": forms.PretensionSentForm(initial={"sent_on": today}),
        "lawsuit": forms.in_currency(
            forms.LawsuitForm(
                initial={
                    "filed_on": today,
                    "state_fee": fee.amount.amount if fee is not None else None,
                }
            ),
            case.currency,
        ),
        "hearing": forms.HearingForm(),
        "judgment": forms.in_currency(
            forms.JudgmentForm(initial={"judgment_on": today}), case.currency
        ),
        "enforcement": forms.EnforcementForm(initial={"started_on": today}),
        "close": forms.ClosingForm(initial={"closed_on": today}),
        "write_off": forms.ClosingForm(initial={"closed_on": today}),
        "request_approval": forms.ApprovalRequestForm(),
    }


def _pretension_sent(case: LegalCase, user: User, data: dict[str, Any]) -> Any:
    return services.record_pretension_sent(
        case, user, sent_on=data["sent_on"], channel=data["channel"], proof=data.get("proof")
    )


CASE_ACTIONS: dict[str, tuple[type[Any], Callable[[LegalCase, User, dict[str, Any]], Any]]] = {
    "pretension_sent": (forms.PretensionSentForm, _pretension_sent),
    "lawsuit": (forms.LawsuitForm, lambda c, u, d: services.file_lawsuit(c, u, **d)),
    "hearing": (forms.HearingForm, lambda c, u, d: services.schedule_hearing(c, u, **d)),
    "judgment": (forms.JudgmentForm, lambda c, u, d: services.record_judgment(c, u, **d)),
    "enforcement": (forms.EnforcementForm, lambda c, u, d: services.start_enforcement(c, u, **d)),
    "close": (forms.ClosingForm, lambda c, u, d: services.close_case(c, u, **d)),
    "write_off": (forms.ClosingForm, lambda c, u, d: services.write_off(c, u, **d)),
    "request_approval": (
        forms.ApprovalRequestForm,
        lambda c, u, d: services.request_approval(c, d["action"], u, d["reason"]),
    ),
}


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    case = _visible_case(request, pk)
    if action not in CASE_ACTIONS:
        raise Http404
    if not services.can_work_cases(user):
        raise PermissionDenied
    form_class, run = CASE_ACTIONS[action]
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            run(case, user, form.cleaned_data)
        except LegalError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("legal:case", pk=case.pk)
    # Refused: the page again with the step open and what was typed kept (a redirect lost the
    # court, the case number and the amounts), the reasons beside the fields and on top.
    messages.error(request, _("Nothing was saved: %(step)s.") % {"step": STEP_LABELS[action]})
    return _render_case(request, case, action, form)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    approval = get_object_or_404(
        Approval.objects.filter(counterparty_filter(user, "case__counterparty__")), pk=pk
    )
    form = forms.DecisionForm(request.POST)
    if not services.can_approve(user):
        raise PermissionDenied
    if form.is_valid():
        try:
            services.decide_approval(
                approval,
                user,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
                ask_again_on=form.cleaned_data["ask_again_on"],
            )
            messages.success(request, _("Saved."))
        except LegalError as exc:
            messages.error(request, exc.message)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("legal:case", pk=approval.case_id)


LADDER_STEPS_SHOWN = 50


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """The director's waiting legal steps, to select and approve or reject together."""
    user = _user(request)
    if not services.can_approve(user):
        raise PermissionDenied
    # The pressure scale's legal steps that wait for the approver (a pretension or a court
    # filing against a key customer) are decided on the ladder's Approvals page; they are
    # listed here too, so that this page does not say that nothing waits while they do.
    ladder_steps = awaiting_approval(user).filter(action__in=LEGAL_ACTIONS)
    return render(
        request,
        "legal/approvals.html",
        {
            "approvals": services.pending_approvals(user)[: services.BULK_MAX],
            "ladder_steps": ladder_steps[:LADDER_STEPS_SHOWN],
            "ladder_steps_count": ladder_steps.count(),
            "now": timezone.now(),
        },
    )


def _selected_ids(request: HttpRequest) -> list[int]:
    ids: list[int] = []
    for raw in request.POST.getlist("ids"):
        number = query_id(raw)
        if number is not None and number not in ids:
            ids.append(number)
    return ids


@login_required
@require_POST
def approvals_decide(request: HttpRequest) -> HttpResponse:
    """Approve or reject the selected requests: a page that says what will happen, then all
    of them in one transaction (or none)."""
    user = _user(request)
    if not services.can_approve(user):
        raise PermissionDenied
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose approve or reject."))
        return redirect("legal:approvals")
    approve = decision == "approve"
    ids = _selected_ids(request)
    note = request.POST.get("note", "")
    raw_day = request.POST.get("ask_again_on", "").strip()
    ask_again_on = None
    if raw_day:
        try:
            ask_again_on = date.fromisoformat(raw_day)
        except ValueError:
            ask_again_on = None
    if request.POST.get("confirm") == "1":
        try:
            if raw_day and ask_again_on is None:
                raise services.ApprovalsRefused(
                    [_("Ask again on: %(value)s is not a date.") % {"value": raw_day}]
                )
            done = services.decide_approvals(
                user, ids, approve=approve, note=note, ask_again_on=ask_again_on
            )
        except services.ApprovalsRefused as exc:
            problems = exc.problems
        else:
            count = len(done)
            if ask_again_on is not None:
                text = ngettext(
                    "%(count)d step put off: you will be asked again on %(day)s.",
                    "%(count)d steps put off: you will be asked again on %(day)s.",
                    count,
                ) % {"count": count, "day": date_format(ask_again_on, "SHORT_DATE_FORMAT")}
            else:
                text = (
                    ngettext("%(count)d step approved.", "%(count)d steps approved.", count)
                    if approve
                    else ngettext("%(count)d step rejected.", "%(count)d steps rejected.", count)
                ) % {"count": count}
            messages.success(request, text)
            return redirect("legal:approvals")
    else:
        # Only the note is asked on the confirmation page, so it is not checked yet.
        problems = services.approval_problems(user, ids, approve=True, note="")
    rows = list(services.pending_approvals(user).filter(pk__in=ids))
    count = len(rows)
    summary = (
        ngettext(
            "%(count)d legal step will be approved.",
            "%(count)d legal steps will be approved.",
            count,
        )
        if approve
        else ngettext(
            "%(count)d legal step will be rejected.",
            "%(count)d legal steps will be rejected.",
            count,
        )
    ) % {"count": count}
    return render(
        request,
        "legal/approvals_confirm.html",
        {
            "rows": rows,
            "ids": ids,
            "decision": decision,
            "approve": approve,
            "note": note,
            "ask_again_on": raw_day,
            "tomorrow": timezone.localdate() + timedelta(days=1),
            "summary": summary,
            "problems": problems,
        },
        status=400 if problems and request.POST.get("confirm") == "1" else 200,
    )


@login_required
@require_POST
def open_case(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    user = _user(request)
    counterparty = _visible_counterparty(request, counterparty_id)
    if not services.can_work_cases(user):
        raise PermissionDenied
    try:
        case = services.open_case(counterparty, user)
    except LegalError as exc:
        messages.error(request, exc.message)
        return redirect("legal:debtor_documents", counterparty_id=counterparty.pk)
    return redirect("legal:case", pk=case.pk)


# --- documents -------------------------------------------------------------------------------


@login_required
def debtor_documents(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    user = _user(request)
    counterparty = _visible_counterparty(request, counterparty_id)
    currencies = selectors.currencies_for(counterparty)
    form = forms.GenerateForm(
        request.POST or None, initial={"language": counterparty.language}, currencies=currencies
    )
    if request.method == "POST" and form.is_valid():
        case = (
            LegalCase.objects.filter(counterparty=counterparty)
            .exclude(stage__in=FINAL_STAGES)
            .first()
        )
        try:
            paper = services.generate_document(
                counterparty,
                form.cleaned_data["kind"],
                user,
                language=form.cleaned_data["language"],
                case=case,
                **form.cleaned_data["params"],
            )
            messages.success(request, _("%(number)s is ready.") % {"number": paper.number})
            if paper.kind == PaperKind.PRETENSION:
                # what the calculator would warn about (say, months without a price index:
                # no inflation losses claimed for them), before the letter is sent
                as_of = form.cleaned_data["params"].get("as_of") or timezone.localdate()
                groups = selectors.claim_groups(counterparty, as_of)
                for warning in selectors.claim_warnings(groups):
                    messages.error(request, f"{paper.number}: {warning}")
            return redirect("legal:debtor_documents", counterparty_id=counterparty.pk)
        except LegalError as exc:
            messages.error(request, exc.message)
    today = timezone.localdate()
    return render(
        request,
        "legal/debtor_documents.html",
        {
            "counterparty": counterparty,
            "papers": counterparty.generated_documents.select_related("created_by")[:100],
            "form": form,
            "kinds": PaperKind.choices,
            "currencies": currencies,
            "today": today,
            "year_start": today.replace(month=1, day=1),
            "case": LegalCase.objects.filter(counterparty=counterparty)
            .exclude(stage__in=FINAL_STAGES)
            .first(),
            "can_work": services.can_work_cases(user),
            "calculator_url": reverse("legal:calculator") + f"?counterparty={counterparty.pk}",
        },
    )


@login_required
def download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    paper = get_object_or_404(
        GeneratedDocument.objects.filter(counterparty_filter(_user(request), "counterparty__")),
        pk=pk,
    )
    field = paper.pdf if fmt == "pdf" else paper.docx if fmt == "docx" else None
    if not field:
        raise Http404
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=f"{paper.number}.{paper.language}.{fmt}"
    )


@login_required
def proof(request: HttpRequest, pk: int) -> FileResponse:
    case = _visible_case(request, pk)
    if not case.pretension_proof:
        raise Http404
    return FileResponse(case.pretension_proof.open("rb"), as_attachment=True)
