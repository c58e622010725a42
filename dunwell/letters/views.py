"""Thin views: the composer, the wordings page and mass mailings."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_collect,
    can_see_counterparty,
    can_work_task,
    is_manager,
    visible_counterparties,
)
from dunwell.correspondence.models import InboundMessage, InboundState
from dunwell.forms import query_id
from dunwell.ladder.models import Task
from dunwell.ledger.models import Counterparty, Segment
from dunwell.letters import services
from dunwell.letters.forms import LANGUAGE_NAMES, ComposeForm, MailingForm, WordingForm
from dunwell.letters.models import KindSetting, Mailing, Wording, WordingKind
from dunwell.letters.situation import ContactInfo
from dunwell.letters.timeline_texts import waits_text
from dunwell.mail.sending import is_configured


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- the composer ---------------------------------------------------------------------------


def _contact_label(c: ContactInfo) -> str:
    label = f"{c.name}{f' ({c.position})' if c.position else ''} <{c.email or '—'}>"
    if not c.usable:
        label += " — " + _("cannot be used: %(why)s") % {"why": services.unusable_text(c)}
    return label


def _target(request: HttpRequest, user: User) -> tuple[Counterparty, Task | None]:
    source = request.POST if request.method == "POST" else request.GET
    cp_id = _int(source.get("counterparty"))
    if cp_id is None or not can_see_counterparty(user, cp_id):
        raise Http404
    counterparty = get_object_or_404(Counterparty.objects.select_related("company"), pk=cp_id)
    task = None
    task_id = _int(source.get("task"))
    if task_id is not None:
        task = (
            Task.objects.select_related("step", "counterparty")
            .filter(pk=task_id, counterparty_id=cp_id)
            .first()
        )
        if task is None:
            raise Http404
        if task.action not in services.WRITTEN_ACTIONS:
            return counterparty, None  # a call task's card: a letter beside it, not its step
        if not can_work_task(user, task):
            raise PermissionDenied
    return counterparty, task


def _answered(request: HttpRequest, counterparty: Counterparty) -> InboundMessage | None:
    """The debtor's email this letter answers (`?reply=`): its reply stays in the thread."""
    source = request.POST if request.method == "POST" else request.GET
    pk = _int(source.get("reply"))
    if pk is None:
        return None
    found = (
        InboundMessage.objects.filter(pk=pk, counterparty=counterparty)
        .exclude(state=InboundState.BOUNCE)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _reply_subject(subject: str) -> str:
    subject = " ".join(subject.split())
    return subject if subject[:3].lower() == "re:" else f"Re: {subject}".strip()


@login_required
def compose(request: HttpRequest) -> HttpResponse:
    """The letter for this debtor (and task): a draft from its situation, sent by email or
    printed for post."""
    user = _user(request)
    counterparty, task = _target(request, user)
    answered = _answered(request, counterparty)
    source = request.POST if request.method == "POST" else request.GET
    # The draft greets the contact it is written for (`greet`, "write it for …"), else the
    # one it goes to by default.
    greet = _int(source.get("greets" if request.method == "POST" else "greet"))
    composed = services.compose(user, counterparty, task, greet)
    if answered is not None and greet is None:
        # The answer goes to who wrote, when that is one of the debtor's contacts.
        wrote = answered.from_email.lower()
        author = next((c for c in composed.contacts if c.usable and c.email.lower() == wrote), None)
        if author is not None:
            composed = services.compose(user, counterparty, task, author.id)
    contacts = [(c.id, _contact_label(c), c.usable) for c in composed.contacts if c.email]
    rewrite_for = None
    if request.method == "POST":
        form = ComposeForm(request.POST, contacts=contacts)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if request.POST.get("send") == "post":
                    printed = services.print_for_post(
                        user,
                        counterparty,
                        task=task,
                        subject=data["subject"],
                        body=data["body"],
                        attach=data["attach"],
                        token=data["token"],
                        note=data["note"],
                        greets=data["greets"],
                    )
                    response = HttpResponse(printed.pdf, content_type="application/pdf")
                    response["Content-Disposition"] = f'inline; filename="{printed.number}.pdf"'
                    return response
                message = services.send_email(
                    user,
                    counterparty,
                    task=task,
                    contact_id=data["contact"],
                    subject=data["subject"],
                    body=data["body"],
                    attach=data["attach"],
                    token=data["token"],
                    note=data["note"],
                    in_reply_to=answered.message_id if answered is not None else "",
                    greets=data["greets"],
                )
            except services.LetterError as exc:
                if data["greets"] is not None and data["contact"] != data["greets"]:
                    rewrite_for = next(
                        (c for c in composed.contacts if c.id == data["contact"]), None
                    )
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, str(exc.message))
            else:
                said = _("The email “%(subject)s” to %(to)s is queued for sending.") % {
                    "subject": message.subject,
                    "to": message.to_email,
                }
                if not is_configured():
                    said = f"{said} {waits_text()}"
                messages.success(request, said)
                if task is not None:
                    return redirect("work:task", task.pk)
                return redirect("work:debtor", counterparty.pk)
        status = 400
    else:
        usable = [c for c in composed.contacts if c.usable]
        chosen = composed.situation.addressee
        default = (
            chosen.id
            if chosen is not None and chosen.usable
            else (usable[0].id if usable else None)
        )
        form = ComposeForm(
            initial={
                "subject": (
                    _reply_subject(answered.subject)
                    if answered is not None and answered.subject.strip()
                    else composed.draft.subject
                ),
                "body": composed.draft.body,
                "contact": default,
                "attach": ["statement"],
                "token": uuid.uuid4().hex,
                "greets": chosen.id if chosen is not None else None,
            },
            contacts=contacts,
        )
        status = 200
    return render(
        request,
        "letters/compose.html",
        {
            "cp": counterparty,
            "task": task,
            "answered": answered,
            "composed": composed,
            "form": form,
            "kind_label": WordingKind(composed.kind).label,
            "language_name": LANGUAGE_NAMES.get(composed.situation.language, ""),
            "rewrite_for": rewrite_for,
            "unusable": [(c, services.unusable_text(c)) for c in composed.contacts if not c.usable],
        },
        status=status,
    )


# --- wordings -------------------------------------------------------------------------------


def _manager(request: HttpRequest) -> User:
    user = _user(request)
    if not is_manager(user):
        raise PermissionDenied
    return user


@login_required
def wordings(request: HttpRequest) -> HttpResponse:
    _manager(request)
    current: dict[tuple[str, str], Wording] = {}
    for w in Wording.objects.select_related("approved_by").order_by("kind", "language", "-version"):
        current.setdefault((w.kind, w.language), w)
    auto = set(KindSetting.objects.filter(auto_send=True).values_list("kind", flat=True))
    rows = [
        {
            "kind": kind,
            "label": label,
            "auto_send": kind in auto,
            "cells": [(lang, current.get((kind, lang))) for lang in LANGUAGE_NAMES],
        }
        for kind, label in WordingKind.choices
    ]
    return render(
        request, "letters/wordings.html", {"rows": rows, "languages": LANGUAGE_NAMES.items()}
    )


@login_required
def wording(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    user = _manager(request)
    if kind not in WordingKind.values or language not in LANGUAGE_NAMES:
        raise Http404
    versions = list(
        Wording.objects.filter(kind=kind, language=language)
        .select_related("created_by", "approved_by")
        .order_by("-version")
    )
    newest = versions[0] if versions else None
    preview, previewed = None, False
    if request.method == "POST" and request.POST.get("preview"):
        # "Preview": the text being edited filled with a debtor's data; nothing is saved.
        form = WordingForm(request.POST)
        status = 200
        if form.is_valid():
            try:
                preview = services.wording_preview(
                    user,
                    kind=kind,
                    language=language,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
                previewed = True
            except services.LetterError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
                status = 400
    elif request.method == "POST":
        form = WordingForm(request.POST)
        if form.is_valid():
            try:
                services.save_wording(
                    user,
                    kind=kind,
                    language=language,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except services.LetterError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                messages.success(request, _("Saved as a new version; it needs approval."))
                return redirect("letters:wording", kind, language)
        status = 400
    else:
        initial = {"subject": newest.subject, "body": newest.body} if newest else {}
        form = WordingForm(initial=initial)
        status = 200
    return render(
        request,
        "letters/wording.html",
        {
            "kind": kind,
            "kind_label": WordingKind(kind).label,
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "form": form,
            "versions": versions,
            "newest": newest,
            "preview": preview,
            "previewed": previewed,
        },
        status=status,
    )


@login_required
@require_POST
def wording_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    found = get_object_or_404(Wording, pk=pk)
    try:
        services.approve_wording(user, found)
    except services.LetterError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, pgettext("wording", "Approved."))
    return redirect("letters:wording", found.kind, found.language)


@login_required
@require_POST
def auto_send(request: HttpRequest, kind: str) -> HttpResponse:
    user = _manager(request)
    if kind not in WordingKind.values:
        raise Http404
    on = request.POST.get("on") == "1"
    services.set_auto_send(user, kind, on)
    label = WordingKind(kind).label
    if on:
        messages.success(
            request,
            _(
                "“%(kind)s” letters now go out by themselves, in each language whose wording is "
                "approved."
            )
            % {"kind": label},
        )
    else:
        messages.success(
            request,
            _("“%(kind)s” letters now wait for a collector to send them.") % {"kind": label},
        )
    return redirect("letters:wordings")


# --- mailings -------------------------------------------------------------------------------


def _mailing(request: HttpRequest, pk: int) -> tuple[User, Mailing]:
    user = _manager(request)
    found = services.visible_mailings(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return user, found


def _mailing_form(user: User, data: Any = None) -> MailingForm:
    segments = [(s.code, s.localized_name) for s in Segment.objects.order_by("code")]
    ids = visible_counterparties(user).values_list("collector_id", flat=True).distinct()
    collectors = [
        (u.pk, str(u))
        for u in User.objects.filter(pk__in=ids, is_active=True).order_by("username")
        if can_collect(u)
    ]
    return MailingForm(data, segments=segments, collectors=collectors)


@login_required
def mailings(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    if request.method == "POST":
        form = _mailing_form(user, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            low, high = services.bucket_days(data["bucket"] or "")
            selection = services.Selection(
                segment=data["segment"] or "",
                min_days_overdue=max(data["min_days_overdue"] or 1, low or 1),
                max_days_overdue=high,
                collector_id=data["collector"] or None,
                currency=data["currency"],
                min_amount=data["min_amount"],
            )
            try:
                mailing = services.create_mailing(user, selection, data["kind"])
            except services.LetterError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                return redirect("letters:mailing", mailing.pk)
        status = 400
    else:
        form = _mailing_form(user)
        status = 200
    return render(
        request,
        "letters/mailings.html",
        {
            "form": form,
            "mailings": services.state_labels(list(services.visible_mailings(user)[:50])),
        },
        status=status,
    )


@login_required
@require_POST
def mailing_from_list(request: HttpRequest) -> HttpResponse:
    """The debtor list's bulk action: a friendly mailing to the debtors ticked there. It is
    prepared, not sent: the mailing page shows who gets what, and a manager approves it."""
    user = _manager(request)
    ids = tuple(sorted({i for i in map(query_id, request.POST.getlist("ids")) if i is not None}))
    query = QueryDict(request.POST.get("back", "")).urlencode()  # the list's filters, re-encoded
    back = reverse("work:debtors") + (f"?{query}" if query else "")
    if not ids:
        messages.error(request, _("Select at least one debtor."))
        return redirect(back)
    mailing = services.create_mailing(user, services.Selection(counterparty_ids=ids))
    left = len(ids) - mailing.debtors
    text = ngettext(
        "Mailing prepared for %(n)s debtor: check the letters, then approve it.",
        "Mailing prepared for %(n)s debtors: check the letters, then approve it.",
        mailing.debtors,
    ) % {"n": mailing.debtors}
    if left:
        text += " " + ngettext(
            "%(n)s selected debtor has nothing overdue or is not yours and is left out.",
            "%(n)s selected debtors have nothing overdue or are not yours and are left out.",
            left,
        ) % {"n": left}
    messages.success(request, text)
    return redirect("letters:mailing", mailing.pk)


@login_required
def mailing(request: HttpRequest, pk: int) -> HttpResponse:
    _user_, found = _mailing(request, pk)
    samples = services.preview(found)
    missing = (
        found.rows.filter(email="")
        .exclude(reason__in=services.LEFT_OUT)
        .select_related("counterparty")
        .order_by("id")[:200]
    )
    return render(
        request,
        "letters/mailing.html",
        {
            "mailing": found,
            "samples": samples,
            "missing": missing,
            "reasons": services.no_address_labels(),
            "left_out": services.left_out_counts(found),
            **_progress(found),
        },
    )


def _progress(found: Mailing) -> dict[str, Any]:
    counts = services.progress(found)
    return {
        "progress": counts,
        "progress_text": services.progress_text(counts),
        "state_label": services.state_label(found, counts),
    }


@login_required
@require_POST
def mailing_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user, found = _mailing(request, pk)
    try:
        queued = services.approve_mailing(user, found)
    except services.LetterError as exc:
        messages.error(request, str(exc.message))
    else:
        if queued:
            messages.success(request, _("Approved: the messages are in the outbox."))
        else:
            messages.info(request, _("This mailing was already approved."))
    return redirect("letters:mailing", found.pk)


@login_required
def mailing_progress(request: HttpRequest, pk: int) -> HttpResponse:
    _user_, found = _mailing(request, pk)
    shown = _progress(found)
    if request.GET.get("format") == "json":
        return JsonResponse({"state": found.state, **shown["progress"]})
    # The badge beside the title follows the line (htmx swaps it out of band).
    return render(request, "letters/_progress.html", {"mailing": found, "badge": True, **shown})


def compose_url(
    counterparty_id: int, task_id: int | None = None, reply_id: int | None = None
) -> str:
    url = f"{reverse('letters:compose')}?counterparty={counterparty_id}"
    url += f"&task={task_id}" if task_id else ""
    return url + (f"&reply={reply_id}" if reply_id else "")
