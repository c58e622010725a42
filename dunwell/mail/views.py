"""The outbox pages (/mail/): the list, one message, its files, and the sender addresses."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_act_on_message,
    can_act_on_visible_message,
    can_set_company_sender,
    can_set_up_mail,
)
from dunwell.ledger.models import Company
from dunwell.mail import selectors, services
from dunwell.mail.forms import CompanySenderForm, SenderForm
from dunwell.mail.models import MessageState, OutgoingMessage, SenderAddress
from dunwell.mail.sending import is_configured

PAGE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _visible(user: User, pk: int) -> OutgoingMessage:
    return get_object_or_404(
        selectors.visible_messages(user).select_related("counterparty", "sender", "contact"),
        pk=pk,
    )


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    state = request.GET.get("state", "")
    # ?counterparty=ID: one debtor's messages (a link from the debtor card).
    debtor = request.GET.get("counterparty", "")
    debtor_id = int(debtor) if debtor.isdigit() and len(debtor) < 19 else None
    page = Paginator(selectors.outbox(user, state, debtor_id), PAGE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "message": message,
            "can_act": can_act_on_visible_message(user, message),
            "can_retry": services.can_retry(message),
            "can_cancel": services.can_cancel(message),
            "can_post": message.channel == "post" and message.state == MessageState.QUEUED,
        }
        for message in page.object_list
    ]
    counts = selectors.counts(user)
    states = [(value, label, counts.get(value, 0)) for value, label in MessageState.choices] + [
        (selectors.UNCONFIRMED, _("sent, unconfirmed"), counts[selectors.UNCONFIRMED])
    ]
    return render(
        request,
        "mail/outbox.html",
        {
            "rows": rows,
            "page": page,
            "state": state,
            "states": states,
            "counterparty": debtor_id or "",
            "configured": is_configured(),
            "sets_up_mail": can_set_up_mail(user),
        },
    )


@login_required
def message(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _visible(user, pk)
    return render(
        request,
        "mail/message.html",
        {
            "message": item,
            "attachments": list(item.attachments.all()),
            "can_act": can_act_on_message(user, item),
            "can_retry": services.can_retry(item),
            "can_cancel": services.can_cancel(item),
            "can_post": item.channel == "post" and item.state == MessageState.QUEUED,
            "configured": is_configured(),
            "sets_up_mail": can_set_up_mail(user),
        },
    )


@login_required
def attachment(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """A file sent with a message, for who sees the message; always as a download."""
    item = _visible(_user(request), pk)
    stored = item.attachments.filter(pk=file_id).first()
    if stored is None:
        raise Http404
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.filename,
        content_type=stored.content_type,
    )


def _act(request: HttpRequest, pk: int) -> tuple[User, OutgoingMessage]:
    user = _user(request)
    item = _visible(user, pk)
    if not can_act_on_message(user, item):
        raise PermissionDenied
    return user, item


def _back(request: HttpRequest, item: OutgoingMessage) -> HttpResponse:
    if request.POST.get("next") == "list":
        return redirect("mail:outbox")
    return redirect("mail:message", item.pk)


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    user, item = _act(request, pk)
    try:
        services.retry(item, user)
    except services.MailError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("The email is queued to be sent again."))
    return _back(request, item)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user, item = _act(request, pk)
    try:
        services.cancel(item, user)
    except services.MailError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("The message will not be sent."))
    return _back(request, item)


@login_required
@require_POST
def posted(request: HttpRequest, pk: int) -> HttpResponse:
    user, item = _act(request, pk)
    try:
        services.mark_posted(item, user)
    except services.MailError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("The letter is marked as posted."))
    return _back(request, item)


@login_required
@require_http_methods(["GET", "POST"])
def senders(request: HttpRequest) -> HttpResponse:
    """Whom emails are from: the user's own address, and (for a director or an administrator)
    each company's."""
    user = _user(request)
    manages = can_set_company_sender(user)
    companies = list(Company.objects.order_by("name")) if manages else []
    company_rows = {a.company_id: a for a in SenderAddress.objects.filter(company__in=companies)}
    own = SenderAddress.objects.filter(user=user).first()
    which = request.POST.get("which", "") if request.method == "POST" else ""
    own_form = SenderForm(
        request.POST if which == "own" else None,
        prefix="own",
        initial={"email": own.email, "display_name": own.display_name} if own else None,
    )
    forms = []
    for company in companies:
        current = company_rows.get(company.pk)
        initial = (
            {
                "email": current.email,
                "display_name": current.display_name,
                "allow_personal": current.allow_personal,
            }
            if current
            else None
        )
        bound = which == f"company-{company.pk}"
        forms.append(
            (
                company,
                CompanySenderForm(
                    request.POST if bound else None, prefix=f"c{company.pk}", initial=initial
                ),
            )
        )
    if which == "own" and own_form.is_valid():
        services.set_sender_address(
            user=user,
            email=own_form.cleaned_data["email"],
            display_name=own_form.cleaned_data["display_name"],
        )
        flash.success(request, _("Your sender address is saved."))
        return redirect("mail:senders")
    for company, form in forms:
        if which == f"company-{company.pk}" and form.is_valid():
            services.set_sender_address(
                company=company,
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                allow_personal=form.cleaned_data["allow_personal"],
            )
            flash.success(request, _("The company's sender address is saved."))
            return redirect("mail:senders")
    return render(
        request,
        "mail/senders.html",
        {"own_form": own_form, "company_forms": forms, "manages": manages},
    )
