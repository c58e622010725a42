"""Audit of edits made in the Django admin (DESIGN §2: everything that happens to a debtor is
recorded): a ModelAdmin mixin that writes a timeline entry — who, what object, which fields
from what to what — in the admin's own transaction, for the object and its inlines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dunwell.ledger.models import Contract, Counterparty, TimelineEntry


class RecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The admin of rows the program writes as a record of what happened (an import's run, a
    timeline entry, a credit check's answer, a generated document, the daily run's state):
    listed and opened read-only, never added, changed or deleted by hand, which would forge
    or lose the record. They still go with what they belong to (a counterparty deleted in
    the admin takes its history, as before): deleting is refused only here, on their own
    pages, not in the check of what a deletion elsewhere takes along."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        raise PermissionDenied

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        context = {**(extra_context or {}), "show_delete": False}
        return super().change_view(request, object_id, form_url, context)


def counterparty_id_of(obj: Model) -> int | None:
    """The debtor an admin row belongs to: itself, its `counterparty`, or its contract's."""
    if isinstance(obj, Counterparty):
        return obj.pk
    if getattr(obj, "counterparty_id", None) is not None:
        return int(obj.counterparty_id)  # type: ignore[attr-defined]
    agreement = getattr(obj, "agreement", None)  # a repayment agreement's instalment
    if agreement is not None and getattr(agreement, "counterparty_id", None) is not None:
        return int(agreement.counterparty_id)
    contract_id = getattr(obj, "contract_id", None)
    if contract_id is not None:
        return (
            Contract.objects.filter(pk=contract_id)
            .values_list("counterparty_id", flat=True)
            .first()
        )
    return None


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Model):
        return f"{value} (#{value.pk})"
    if isinstance(value, QuerySet | list | tuple):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def changes(form: ModelForm[Any], before: dict[str, Any]) -> dict[str, list[str]]:
    """{field: [old, new]} for the fields the form changed."""
    out = {}
    for name in form.changed_data:
        out[name] = [_shown(before.get(name)), _shown(form.cleaned_data.get(name))]
    return out


def _snapshot(obj: Model) -> dict[str, Any]:
    if obj.pk is None:
        return {}
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    if fresh is None:
        return {}
    return {f.name: getattr(fresh, f.name) for f in fresh._meta.concrete_fields}


def record(
    request: HttpRequest, obj: Model, verb: str, changed: dict[str, list[str]] | None = None
) -> None:
    """One timeline entry on the object's counterparty (nothing when it has none)."""
    cp = counterparty_id_of(obj)
    if cp is None or not Counterparty.objects.filter(pk=cp).exists():
        return
    label = f"{obj._meta.verbose_name} {obj}"
    detail = "; ".join(f"{name}: {old} → {new}" for name, (old, new) in (changed or {}).items())
    user = request.user if request.user.is_authenticated else None
    TimelineEntry.objects.create(
        counterparty_id=cp,
        at=timezone.now(),
        actor=user,
        kind=f"admin.{verb}",
        summary=f"Admin {verb}: {label}" + (f" — {detail}" if detail else ""),
        data={
            "model": obj._meta.label_lower,
            "object": obj.pk,
            "label": str(obj),
            "changes": changed or {},
            "by": getattr(user, "username", ""),
        },
    )


_VERBS = {
    "added": gettext_lazy("Added by an administrator: %(what)s"),
    "changed": gettext_lazy("Changed by an administrator: %(what)s"),
    "deleted": gettext_lazy("Deleted by an administrator: %(what)s"),
}


def admin_texts(entries: Sequence[Any]) -> dict[int, str]:
    """The timeline's admin entries in the reader's language: the object's kind and the
    changed fields by their names in that language ("Изменено администратором: обещание
    Promise #12 — сумма: 100.00 → 150.00"); the values as they were shown. Entries written
    before the object's label was kept, or of a model no longer there, keep their summary."""
    out: dict[int, str] = {}
    for entry in entries:
        data = entry.data or {}
        verb = entry.kind.removeprefix("admin.")
        if verb not in _VERBS or "label" not in data:
            continue
        try:
            model = apps.get_model(data["model"])
        except (LookupError, ValueError, KeyError):
            continue
        what = f"{model._meta.verbose_name} {data['label']}"
        text = str(_VERBS[verb]) % {"what": what}
        parts = []
        for name, (old, new) in (data.get("changes") or {}).items():
            try:
                field = str(model._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                field = name
            parts.append(f"{field}: {old} → {new}")
        out[entry.pk] = text + (" — " + "; ".join(parts) if parts else "")
    return out


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Writes a timeline entry for every add, change and delete made in the admin, including
    the rows of its inlines."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = _snapshot(obj) if change else {}
        super().save_model(request, obj, form, change)
        if change:
            changed = changes(form, before)
            if changed:
                record(request, obj, "changed", changed)
        else:
            record(request, obj, "added", changes(form, {}))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record(request, obj, "deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            record(request, obj, "deleted")
        super().delete_queryset(request, queryset)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseFormSet[Any], change: bool
    ) -> None:
        befores = {
            f.instance.pk: _snapshot(f.instance)
            for f in formset.forms
            if getattr(f, "instance", None) is not None and f.instance.pk is not None
        }
        super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "new_objects", []):
            record(request, obj, "added")
        for obj, _fields in getattr(formset, "changed_objects", []):
            sub = next((f for f in formset.forms if f.instance is obj), None)
            changed = changes(sub, befores.get(obj.pk, {})) if sub is not None else {}
            record(request, obj, "changed", changed)
        for obj in getattr(formset, "deleted_objects", []):
            record(request, obj, "deleted")
