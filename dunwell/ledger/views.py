"""The import pages: upload → preview and column mapping → progress → result."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_create_company,
    can_import,
    can_import_users,
    can_manage_bank_accounts,
)
from dunwell.ledger.forms import (
    BankAccountForm,
    CompanyEditForm,
    CompanyForm,
    MappingForm,
    UploadForm,
)
from dunwell.ledger.importing.headers import header_signature, recognise
from dunwell.ledger.importing.kinds import KINDS
from dunwell.ledger.importing.readers import ENCODINGS, ReadError, file_encoding, sniff_preview
from dunwell.ledger.importing.reasons import failure, read_params, read_text, reworded
from dunwell.ledger.models import BankAccount, ColumnMapping, Company, ImportKind, ImportRun
from dunwell.ledger.requisites import (
    account_as_read,
    account_for,
    bank_code_name,
    missing_currencies,
)
from dunwell.ledger.samples import XLSX, import_guide, sample_workbook
from dunwell.ledger.services import (
    REQUISITES,
    CompanyError,
    create_company,
    delete_bank_account,
    save_bank_account,
    update_company,
)
from dunwell.ledger.tasks import fail_abandoned_runs, fail_run, rerun_import, start_import
from dunwell.money_l10n import money_text


def _importer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not can_import(user):
        raise PermissionDenied
    return user


def _may_run(user: User, run: ImportRun) -> None:
    """A users file creates accounts and sets roles: only who may import users starts one."""
    if run.kind == ImportKind.USERS and not can_import_users(user):
        raise PermissionDenied


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    user = _importer(request)
    if not Company.objects.exists() and can_create_company(user):
        return redirect("ledger:company_new")
    fail_abandoned_runs()
    runs = ImportRun.objects.select_related("user", "company")[:50]
    companies = Company.objects.order_by("name") if can_create_company(user) else None
    return render(request, "ledger/imports.html", {"runs": runs, "companies": companies})


@login_required
@require_http_methods(["GET", "POST"])
def company_new(request: HttpRequest) -> HttpResponse:
    """The first step on a fresh database: our own company (same service as
    `dunwell company create`)."""
    user = _importer(request)
    if not can_create_company(user):
        raise PermissionDenied
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = create_company(**form.cleaned_data)
        except CompanyError as exc:
            form.add_error(exc.field, str(exc.message))
        else:
            messages.success(
                request, _("Company %(name)s created: now import its data.") % {"name": company}
            )
            return redirect("ledger:import_new")
    first = not Company.objects.exists()
    return render(request, "ledger/company_new.html", {"form": form, "first": first})


def _account_rows(company: Company) -> list[tuple[BankAccount, str, str]]:
    """The company's accounts as the documents print them, the code with its kind ("SWIFT
    (BIC)", "БИК", "МФО")."""
    return [
        (account, account_as_read(account.account), bank_code_name(account.bank_code))
        for account in company.bank_accounts.all()
    ]


@login_required
def companies(request: HttpRequest) -> HttpResponse:
    """Our own companies (the creditors) with the requisites their letters print, each to edit:
    the administrator's menu leads here (the Django admin's list saved what was typed as it
    was, without `update_company`'s checks and tidying)."""
    user = _importer(request)
    if not can_create_company(user):
        raise PermissionDenied
    rows = [
        (company, _account_rows(company))
        for company in Company.objects.order_by("name", "pk").prefetch_related("bank_accounts")
    ]
    return render(request, "ledger/companies.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Our company's name, tax id, address and registration number; its bank accounts are
    on their own page (`bank_accounts`)."""
    user = _importer(request)
    if not can_create_company(user):
        raise PermissionDenied
    company = get_object_or_404(Company, pk=pk)
    initial = {field: getattr(company, field) for field in ("name", "tax_id", *REQUISITES)}
    form = CompanyEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_company(company, **form.cleaned_data)
        except CompanyError as exc:
            form.add_error(exc.field, str(exc.message))
        else:
            messages.success(request, _("Company %(name)s saved.") % {"name": company})
            return redirect("ledger:companies")
    return render(request, "ledger/company_edit.html", {"form": form, "company": company})


def _bank_keeper(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not can_manage_bank_accounts(user):
        raise PermissionDenied
    return user


@login_required
def bank_accounts(request: HttpRequest) -> HttpResponse:
    """Each company's bank accounts, the one printed on the documents of each currency, and
    the currencies its debtors owe in that have none (their documents print the default
    account, which the debtor may not be able to pay into)."""
    _bank_keeper(request)
    sections = [
        {
            "company": company,
            "accounts": _account_rows(company),
            "missing": missing_currencies(company),
            "default": account_for(company, company.currency),
        }
        for company in Company.objects.order_by("name", "pk").prefetch_related("bank_accounts")
    ]
    return render(request, "ledger/bank_accounts.html", {"sections": sections})


@login_required
@require_http_methods(["GET", "POST"])
def bank_account_edit(request: HttpRequest, pk: int, account_id: int | None = None) -> HttpResponse:
    """Add one of the company's bank accounts, or change one."""
    _bank_keeper(request)
    company = get_object_or_404(Company, pk=pk)
    account = (
        get_object_or_404(BankAccount, pk=account_id, company=company)
        if account_id is not None
        else None
    )
    initial: dict[str, Any] = {"currency": request.GET.get("currency", "")}
    if account is not None:
        initial = {
            "currency": account.currency,
            "bank_account": account_as_read(account.account),  # as the documents print it
            "bank_name": account.bank_name,
            "bank_code": account.bank_code,
            "is_default": account.is_default,
        }
    form = BankAccountForm(request.POST or None, initial=initial)
    kind = bank_code_name(account.bank_code) if account is not None else ""
    if kind:
        form.fields["bank_code"].help_text = _(
            "BIC (SWIFT), БИК or МФО: the letters label this one “%(kind)s”."
        ) % {"kind": kind}
    if request.method == "POST" and form.is_valid():
        try:
            saved, replaced = save_bank_account(company, account, **form.cleaned_data)
        except CompanyError as exc:
            form.add_error(exc.field, str(exc.message))
        else:
            messages.success(
                request,
                _("Bank account %(account)s in %(currency)s saved.")
                % {"account": account_as_read(saved.account), "currency": saved.currency},
            )
            if replaced is not None:
                messages.info(
                    request,
                    _(
                        "The documents in %(currency)s now print %(account)s instead of "
                        "%(replaced)s, which is kept as a spare."
                    )
                    % {
                        "currency": saved.currency,
                        "account": account_as_read(saved.account),
                        "replaced": account_as_read(replaced.account),
                    },
                )
            return redirect("ledger:bank_accounts")
    return render(
        request,
        "ledger/bank_account_edit.html",
        {"form": form, "company": company, "account": account},
    )


@login_required
@require_POST
def bank_account_delete(request: HttpRequest, pk: int, account_id: int) -> HttpResponse:
    _bank_keeper(request)
    account = get_object_or_404(BankAccount, pk=account_id, company_id=pk)
    delete_bank_account(account)
    messages.success(
        request,
        _("Bank account %(account)s in %(currency)s removed.")
        % {"account": account_as_read(account.account), "currency": account.currency},
    )
    return redirect("ledger:bank_accounts")


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    user = _importer(request)
    if not Company.objects.exists():
        if can_create_company(user):
            return redirect("ledger:company_new")
        return render(request, "ledger/import_new.html", {"no_company": True})
    # "Upload a corrected file" of a rejected import comes back with its kind chosen.
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": request.GET.get("kind", "")},
        may_import_users=can_import_users(user),
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = ImportRun(
            kind=form.cleaned_data["kind"],
            company=form.cleaned_data["company"],
            file_name=Path(upload.name).name,
            partial=form.cleaned_data["partial"],
            encoding=form.cleaned_data["encoding"],
            user=user,
        )
        run.stored_file.save(Path(upload.name).name, upload, save=False)
        run.save()
        return redirect("ledger:import_preview", run.pk)
    guide = import_guide(may_import_users=form.may_import_users)
    return render(request, "ledger/import_new.html", {"form": form, "guide": guide})


@login_required
def import_sample(request: HttpRequest, import_kind: str) -> HttpResponse:
    """A sample file of a kind to fill in (samples.py), named as `dunwell import DIR` reads."""
    user = _importer(request)
    if import_kind not in KINDS:
        raise Http404
    if import_kind == ImportKind.USERS and not can_import_users(user):
        raise PermissionDenied
    content = sample_workbook(import_kind, Company.objects.order_by("pk").first())
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{import_kind}.xlsx")
    return response


PREVIEW_VALUES = 3  # a column's first values shown beside its select


def _shown(value: Any) -> str | None:
    """A first value as its reader reads it (readers.preview_cell): a spreadsheet's date in the
    language's short form, a number with cents as an amount (1 200,50), one with more places
    with the language's decimal mark; a CSV file's text as it is; None for an empty cell."""
    if isinstance(value, datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        places = -int(value.as_tuple().exponent)
        return money_text(value) if places <= 2 else number_format(value)
    text = str(value)
    return text if text.strip() else None


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    user = _importer(request)
    run = get_object_or_404(ImportRun, pk=pk)
    _may_run(user, run)
    if run.status != ImportRun.Status.PENDING or run.started_at is not None:
        return redirect("ledger:import_detail", run.pk)
    try:
        headers, rows = sniff_preview(Path(run.stored_file.path), encoding=run.encoding or None)
    except (ReadError, OSError) as exc:
        # Rejected before it started: the run says so instead of "waiting" for ever.
        fail_run(run.pk, failure("unreadable", **read_params(exc)))
        return render(
            request, "ledger/import_preview.html", {"run": run, "read_error": read_text(exc)}
        )
    signature = header_signature(headers)
    saved = ColumnMapping.objects.filter(kind=run.kind, signature=signature).first()
    initial = saved.mapping if saved else recognise(run.kind, KINDS[run.kind].field_names, headers)
    form = MappingForm(
        request.POST or None, kind=run.kind, headers=headers, initial_mapping=initial
    )
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        with transaction.atomic():
            ColumnMapping.objects.update_or_create(
                kind=run.kind,
                signature=signature,
                defaults={"mapping": mapping, "created_by": user, "name": run.file_name},
            )
            run.mapping = mapping
            run.save(update_fields=["mapping"])
            start_import(run)
        return redirect("ledger:import_detail", run.pk)
    # Each column of the file with its first values, beside the select that maps it.
    first = rows[:PREVIEW_VALUES]
    # An empty cell is None: the page says "(empty)" instead of "1 · ·".
    samples = [[_shown(row[i]) for row in first if i < len(row)] for i in range(len(headers))]
    encoding = ENCODINGS.get(run.encoding or file_encoding(Path(run.stored_file.path)), "")
    return render(
        request,
        "ledger/import_preview.html",
        {
            "run": run,
            "form": form,
            "headers": headers,
            "columns": list(zip(form, samples, strict=True)),
            "saved": saved,
            "encoding": encoding,
        },
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _importer(request)
    fail_abandoned_runs()
    run = get_object_or_404(ImportRun, pk=pk)
    template = (
        "ledger/_import_status.html"
        if request.headers.get("HX-Request")
        else "ledger/import_detail.html"
    )
    return render(request, template, {"run": run})


@login_required
@require_POST
def import_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    """Import a failed or abandoned run's file again (a new run, same settings)."""
    user = _importer(request)
    run = get_object_or_404(ImportRun, pk=pk)
    _may_run(user, run)
    # "Import the valid rows only" (a file rejected for some rows) re-runs it as a partial one.
    partial = True if request.POST.get("partial") == "1" else None
    try:
        again = rerun_import(run, user, partial=partial)
    except ValueError:
        return redirect("ledger:import_detail", run.pk)
    if not again.mapping:
        return redirect("ledger:import_preview", again.pk)
    return redirect("ledger:import_detail", again.pk)


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def import_rejected(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The rejected rows with their reasons in the reader's language (the kept file has
    codes), as UTF-8 with a BOM: a spreadsheet then reads Cyrillic and ă, ș, ț right."""
    _importer(request)
    run = get_object_or_404(ImportRun, pk=pk)
    if not run.rejected_file:
        raise Http404
    handle = run.rejected_file.open("rb")
    language = translation.get_language()

    def lines() -> Iterator[str]:
        # The response streams after the view returns: in the reader's language still.
        with translation.override(language), handle:
            writer = csv.writer(_Echo(), delimiter=";")
            yield "\ufeff"
            for row in reworded(codecs.iterdecode(handle, "utf-8")):
                yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"rejected-{Path(run.file_name).stem}.csv"
    )
    return response
