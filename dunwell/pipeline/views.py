"""The deals page: list (days on the stage, stuck flag) and the edit form. For sales managers,
finance, supervisors, directors and admins (visibility.can_see_pipeline), over the deals
visibility.deal_filter lets them see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_see_pipeline
from dunwell.ledger.deals import ensure_default_stages
from dunwell.ledger.models import Company, DealStage
from dunwell.pipeline import selectors
from dunwell.pipeline.forms import DealForm
from dunwell.pipeline.services import DealChanges, DealError, save_deal

PAGE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    if not can_see_pipeline(request.user):
        raise PermissionDenied
    return request.user


class DealFilterForm(forms.Form):
    stage = forms.SlugField(required=False, max_length=32)
    stuck = forms.BooleanField(required=False)


@login_required
def deal_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    ensure_default_stages(Company.objects.values_list("pk", flat=True))
    form = DealFilterForm(request.GET or None)
    stage = stuck = None
    if form.is_bound and form.is_valid():
        stage, stuck = form.cleaned_data["stage"], form.cleaned_data["stuck"]
    deals = selectors.deal_list(user, today, stage=stage or "", stuck_only=bool(stuck))
    page = Paginator(deals, PAGE).get_page(request.GET.get("page"))
    stages = _stage_choices()
    return render(
        request,
        "pipeline/deals.html",
        {
            "rows": selectors.deal_rows(list(page.object_list), today),
            "page": page,
            "stages": stages,
            "stage": stage or "",
            "stuck": bool(stuck),
        },
    )


def _stage_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for s in DealStage.objects.order_by("position", "id"):
        seen.setdefault(s.code, s.localized_name)
    return list(seen.items())


def _changes(form: DealForm) -> DealChanges:
    data: dict[str, Any] = form.cleaned_data
    return DealChanges(
        name=data["name"],
        amount=data["amount"],
        currency=data["currency"],
        stage=data["stage"],
        probability=data["probability"],
        expected_close=data["expected_close"],
        payment_days=data["payment_days"],
        owner=data["owner"],
    )


@login_required
def deal_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    companies = list(Company.objects.order_by("pk"))
    ensure_default_stages(c.pk for c in companies)
    stages = list(DealStage.objects.filter(company__in=companies[:1]))
    initial = {
        "currency": companies[0].currency if companies else "",
        "owner": user.pk,
        "payment_days": 0,
    }
    if request.method == "POST":
        form = DealForm(request.POST, user=user, stages=_all_stages(), editing=False)
        if form.is_valid():
            try:
                deal = save_deal(user, _changes(form), counterparty=form.cleaned_data["customer"])
            except DealError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Deal saved."))
                return redirect("pipeline:deal_edit", pk=deal.pk)
    else:
        form = DealForm(initial=initial, user=user, stages=stages, editing=False)
    return render(request, "pipeline/deal_form.html", {"form": form, "deal": None})


def _all_stages() -> list[DealStage]:
    return list(DealStage.objects.all())


@login_required
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    deal = (
        selectors.visible_deals(user).select_related("stage", "counterparty").filter(pk=pk).first()
    )
    if deal is None:
        raise Http404
    stages = list(DealStage.objects.filter(company_id=deal.company_id))
    if request.method == "POST":
        form = DealForm(
            request.POST, user=user, stages=stages, editing=True, owner_id=deal.owner_id
        )
        if form.is_valid():
            try:
                save_deal(user, _changes(form), deal=deal)
            except DealError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Deal saved."))
                return redirect("pipeline:deal_edit", pk=deal.pk)
    else:
        form = DealForm(
            initial={
                "name": deal.name,
                "amount": deal.amount,
                "currency": deal.currency,
                "stage": deal.stage_id,
                "probability": deal.probability,
                "expected_close": deal.expected_close,
                "payment_days": deal.payment_days,
                "owner": deal.owner_id,
            },
            user=user,
            stages=stages,
            editing=True,
            owner_id=deal.owner_id,
        )
    row = selectors.deal_rows([deal], timezone.localdate())[0]
    return render(request, "pipeline/deal_form.html", {"form": form, "deal": deal, "row": row})
