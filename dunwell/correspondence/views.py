"""Pages of the correspondence: received emails (the triage and each message) and the
register of paper letters. Who sees what: dunwell.accounts.visibility."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_triage_mail,
    counterparty_filter,
    inbound_mail_filter,
    mail_assignable_counterparties,
    visible_counterparties,
)
from dunwell.cells import xlsx_response
from dunwell.correspondence import exports, services
from dunwell.correspondence.forms import AssignForm, LetterFilterForm, LetterForm
from dunwell.correspondence.models import (
    Direction,
    InboundAttachment,
    InboundMessage,
    InboundState,
    PaperLetter,
)
from dunwell.correspondence.services import CorrespondenceError
from dunwell.ledger.models import Counterparty
from dunwell.legal.models import LegalCase

SHOW = ("triage", "matched", "bounce", "all")
PAGE = 200


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _messages(user: User) -> QuerySet[InboundMessage]:
    return InboundMessage.objects.filter(inbound_mail_filter(user))


def _letters(user: User) -> QuerySet[PaperLetter]:
    return PaperLetter.objects.filter(counterparty_filter(user, "counterparty__"))


def _visible_counterparty(user: User, pk: int) -> Counterparty:
    return get_object_or_404(visible_counterparties(user), pk=pk)


# --- received emails -------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    triager = can_triage_mail(user)
    default = "triage" if triager else "matched"
    show = request.GET.get("show", default)
    if show not in SHOW or (show == "triage" and not triager):
        show = default
    rows = _messages(user).select_related("counterparty")
    if show != "all":
        rows = rows.filter(state=show)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        rows = rows.filter(
            Q(subject__icontains=query)
            | Q(from_email__icontains=query)
            | Q(counterparty__name__icontains=query)
        )
    return render(
        request,
        "correspondence/inbox.html",
        {
            "rows": list(rows[:PAGE]),
            "show": show,
            "query": query,
            "triager": triager,
            "triage_count": _messages(user).filter(state=InboundState.TRIAGE).count()
            if triager
            else 0,
        },
    )


@login_required
def message(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    mail = get_object_or_404(_messages(user).select_related("counterparty", "reply_to"), pk=pk)
    # Triagers assign what waits in triage and move what the matcher placed wrongly.
    can_assign = can_triage_mail(user) and mail.state != InboundState.BOUNCE
    found: list[Counterparty] = []
    query = request.GET.get("q", "").strip()[:100]
    if can_assign:
        pool = mail_assignable_counterparties(user)
        candidates = list(pool.filter(pk__in=mail.candidates or []))
        if query:
            found = list(
                pool.filter(Q(name__icontains=query) | Q(tax_id__icontains=query)).order_by("name")[
                    :20
                ]
            )
    else:
        candidates = []
    return render(
        request,
        "correspondence/message.html",
        {
            "mail": mail,
            "attachments": list(mail.attachments.all()),
            "can_assign": can_assign,
            "candidates": candidates,
            "found": found,
            "query": query,
        },
    )


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    mail = get_object_or_404(_messages(user), pk=pk)
    if not can_triage_mail(user):
        raise PermissionDenied
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a debtor."))
        return redirect("correspondence:message", pk=mail.pk)
    counterparty = get_object_or_404(
        mail_assignable_counterparties(user), pk=form.cleaned_data["counterparty"]
    )
    try:
        services.assign_message(mail, counterparty, user)
    except CorrespondenceError as exc:
        messages.error(request, exc.message)
        return redirect("correspondence:message", pk=mail.pk)
    messages.success(
        request, _("The email is on %(debtor)s's timeline.") % {"debtor": counterparty.name}
    )
    return redirect(reverse("correspondence:inbox"))


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    user = _user(request)
    item = get_object_or_404(InboundAttachment.objects.filter(message__in=_messages(user)), pk=pk)
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.filename,
        content_type=item.content_type or "application/octet-stream",
    )


@login_required
def raw(request: HttpRequest, pk: int) -> FileResponse:
    mail = get_object_or_404(_messages(_user(request)), pk=pk)
    return FileResponse(
        mail.raw.open("rb"),
        as_attachment=True,
        filename=f"message-{mail.pk}.eml",
        content_type="message/rfc822",
    )


# --- paper letters ---------------------------------------------------------------------------


def _filtered(
    request: HttpRequest, rows: QuerySet[PaperLetter]
) -> tuple[QuerySet[PaperLetter], LetterFilterForm]:
    form = LetterFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["direction"]:
            rows = rows.filter(direction=data["direction"])
        if data["q"]:
            q = data["q"]
            rows = rows.filter(
                Q(our_number__icontains=q)
                | Q(their_number__icontains=q)
                | Q(party__icontains=q)
                | Q(subject__icontains=q)
                | Q(tracking_number__icontains=q)
                | Q(counterparty__name__icontains=q)
            )
        if data["date_from"]:
            rows = rows.filter(date__gte=data["date_from"])
        if data["date_to"]:
            rows = rows.filter(date__lte=data["date_to"])
        if data["registered"]:
            rows = rows.exclude(tracking_number="")
    return rows, form


@login_required
def letters(request: HttpRequest) -> HttpResponse:
    rows, form = _filtered(request, _letters(_user(request)).select_related("counterparty"))
    return render(
        request,
        "correspondence/letters.html",
        {"rows": list(rows[:PAGE]), "form": form, "query": request.GET.urlencode()},
    )


@login_required
def registered_export(request: HttpRequest) -> HttpResponse:
    rows, _form = _filtered(request, _letters(_user(request)))
    rows = rows.filter(direction=Direction.OUTGOING).exclude(tracking_number="")
    content = exports.registered_mail_xlsx(rows.select_related("counterparty"))
    name = f"registered-mail-{timezone.localdate():%Y-%m-%d}.xlsx"
    return xlsx_response(content, name)


@login_required
def debtor(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    user = _user(request)
    counterparty = _visible_counterparty(user, counterparty_id)
    return render(
        request,
        "correspondence/debtor.html",
        {
            "cp": counterparty,
            "letters": list(_letters(user).filter(counterparty=counterparty)[:PAGE]),
            "emails": list(_messages(user).filter(counterparty=counterparty)[:PAGE]),
        },
    )


def _cases(counterparty: Counterparty) -> QuerySet[LegalCase]:
    return LegalCase.objects.filter(counterparty=counterparty).order_by("-opened_at")


def _form_errors(form: LetterForm, exc: CorrespondenceError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


@login_required
def letter_new(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    user = _user(request)
    counterparty = _visible_counterparty(user, counterparty_id)
    initial = {
        "date": timezone.localdate(),
        "direction": Direction.INCOMING,
        "party": counterparty.name,
    }
    form = LetterForm(
        request.POST or None, request.FILES or None, cases=_cases(counterparty), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letter = services.register_letter(
                company=counterparty.company,
                counterparty=counterparty,
                direction=data["direction"],
                on=data["date"],
                party=data["party"],
                subject=data["subject"],
                by=user,
                legal_case_id=data["legal_case"].pk if data["legal_case"] else None,
                their_number=data["their_number"],
                tracking_number=data["tracking_number"],
                delivered_on=data["delivered_on"],
                scan=request.FILES.get("scan"),
            )
        except CorrespondenceError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("Registered as %(number)s.") % {"number": letter.our_number}
            )
            return redirect("correspondence:debtor", counterparty_id=counterparty.pk)
    return render(
        request,
        "correspondence/letter_form.html",
        {"cp": counterparty, "form": form, "letter": None},
    )


@login_required
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(_letters(user).select_related("counterparty", "legal_case"), pk=pk)
    form = LetterForm(
        request.POST or None,
        request.FILES or None,
        instance=item,
        cases=_cases(item.counterparty),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in services.LETTER_FIELDS if k in data}
        try:
            services.update_letter(item, user, scan=request.FILES.get("scan"), **changes)
        except CorrespondenceError as exc:
            item.refresh_from_db()
            _form_errors(form, exc)
        else:
            messages.success(request, _("Letter %(number)s saved.") % {"number": item.our_number})
            return redirect("correspondence:debtor", counterparty_id=item.counterparty_id)
    return render(
        request,
        "correspondence/letter_form.html",
        {"cp": item.counterparty, "form": form, "letter": item},
    )


@login_required
def scan(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(_letters(_user(request)), pk=pk)
    if not item.scan:
        raise Http404
    extension = ".pdf" if str(item.scan.name).lower().endswith(".pdf") else ".jpg"
    return FileResponse(
        item.scan.open("rb"), as_attachment=True, filename=f"{item.our_number}{extension}"
    )
