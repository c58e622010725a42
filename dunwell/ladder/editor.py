"""What the policy editor page shows besides the forms: a one-line summary per step, its
fields split into the main ones and the translations, the error summary with links to the
fields, and the steps for the calendar preview (ladder/preview.py)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _

from dunwell.ladder.models import Action, AssigneeRole, Event, Trigger
from dunwell.names import localized, other_languages

TRANSLATED = ("name", "instructions")


@dataclass
class StepView:
    form: Any
    summary: str
    main: list[Any] = field(default_factory=list)
    translations: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class ErrorLink:
    anchor: str
    text: str


def _label(choices: Any, value: Any) -> str:
    return str(choices(value).label) if value in choices.values else ""


def _after_previous(n: int) -> str:
    return ngettext("%(n)s day after the previous step", "%(n)s days after the previous step", n)


def _before_due(n: int) -> str:
    return ngettext("%(n)s day before the due date", "%(n)s days before the due date", n)


def _after_due(n: int) -> str:
    return ngettext("%(n)s day after the due date", "%(n)s days after the due date", n)


def when_text(trigger: Any, days: Any, event: Any) -> str:
    try:
        n = int(days or 0)
    except (TypeError, ValueError):
        n = 0
    if trigger == Trigger.EVENT:
        return _("on %(event)s") % {"event": _label(Event, event) or "?"}
    if trigger == Trigger.AFTER_PREVIOUS:
        return _after_previous(abs(n)) % {"n": n}
    if n == 0:
        return _("on the due date")  # as the policies page says it
    if n < 0:
        return _before_due(-n) % {"n": -n}
    return _after_due(n) % {"n": n}


def days_help(trigger: Any) -> str:
    """What a step's days count, said under its Days field for the chosen trigger (the page's
    script changes it with the trigger); nothing for an event step, which has no days."""
    if trigger == Trigger.AFTER_PREVIOUS:
        return _("Counted from the previous step's day; 0 or more.")
    if trigger == Trigger.EVENT:
        return ""
    return _("negative = before the due date (due-date trigger)")


# Counts whose plural forms the page's script needs: one of each form of every UI language
# (en 1/2; ro 1/2/20; ru and uk 1/2/5 …), a few more in case a language splits elsewhere.
PLURAL_SAMPLES = (0, 1, 2, 3, 5, 11, 12, 20, 21, 22, 25, 100, 101, 102, 111)


def step_texts() -> dict[str, Any]:
    """The words of `step_summary` for the editor's script, which rewrites a step's line as
    it is edited: the translated texts with their placeholders, and each counted text in the
    forms of the reader's language, keyed by a count that takes that form (the script picks
    the one whose `Intl.PluralRules` category is its own count's)."""
    return {
        "language": get_language() or "en",
        "new_step": _("New step"),
        "on_event": _("on %(event)s"),
        "on_due": _("on the due date"),
        "removed": _("removed when you save"),
        "days_help": {trigger: days_help(trigger) for trigger in Trigger.values},
        "after_previous": [[n, _after_previous(n)] for n in PLURAL_SAMPLES],
        "before_due": [[n, _before_due(n)] for n in PLURAL_SAMPLES],
        "after_due": [[n, _after_due(n)] for n in PLURAL_SAMPLES],
    }


def _names(value: Callable[[str], Any]) -> dict[str, Any]:
    """The step's names in the other languages, `value(field_name)` giving each field's."""
    return {code: value(f"name_{code}") for code, _label in other_languages()}


def step_summary(form: Any) -> str:
    """ "3. Personal call — 5 days after the due date · Call" from the form's current values
    (bound or initial), so a step reads the same collapsed as it does open, in the viewer's
    language when the step has a name in it."""
    name = localized(
        _names(lambda field: form[field].value() if field in form.fields else None),
        form["name"].value(),
    )
    if not name and not form["action"].value():
        return _("New step")
    parts = [
        f"{form['order'].value() or '?'}. {name or '—'}",
        when_text(form["trigger"].value(), form["days"].value(), form["event"].value()),
        _label(Action, form["action"].value()),
    ]
    if "DELETE" in form.fields and form["DELETE"].value():
        parts.append(_("removed when you save"))
    return " · ".join(p for p in parts if p)


def _split(form: Any, bases: tuple[str, ...]) -> tuple[list[Any], list[Any]]:
    """The form's visible fields: the main ones, and the other-language ones (`name_ru` …)."""
    translated = {f"{base}_{code}" for base in bases for code, _label in other_languages()}
    main: list[Any] = []
    translations: list[Any] = []
    for bound in form.visible_fields():
        (translations if bound.name in translated else main).append(bound)
    return main, translations


def policy_fields(form: Any) -> tuple[list[Any], list[Any]]:
    return _split(form, ("name", "description"))


def _order(form: Any) -> int | None:
    try:
        return int(form["order"].value())
    except (TypeError, ValueError):
        return None


def step_views(formset: Any) -> list[StepView]:
    """The steps in the order of their numbers: a page sent back with an error keeps the
    steps where the editor moved them (the form set lists them as they were loaded)."""
    views = []
    for form in formset.forms:
        main, translations = _split(form, TRANSLATED)
        views.append(StepView(form, step_summary(form), main, translations))
    return sorted(views, key=lambda view: (_order(view.form) is None, _order(view.form) or 0))


def step_number(step: Any, position: int) -> str:
    """The number a step goes by on the page: its own order, the one its summary line starts
    with ("40. Personal call …"), not its place in the list (they differ once a step is
    inserted by hand or moved); the place only while the order is blank."""
    value = step["order"].value() if "order" in step.fields else None
    return str(value).strip() if value not in (None, "") else str(position)


def error_links(form: Any, formset: Any) -> list[ErrorLink]:
    """Every error of the page, each linking to its field ("Step 40 · Event: …")."""
    links = []
    for name, errors in form.errors.items():
        anchor = form[name].auto_id if name in form.fields else "policy-form"
        label = form.fields[name].label if name in form.fields else ""
        links += [ErrorLink(anchor, f"{label}: {e}" if label else str(e)) for e in errors]
    for number, step in enumerate(formset.forms, start=1):
        for name, errors in step.errors.items():
            where = _("Step %(n)s") % {"n": step_number(step, number)}
            if name in step.fields:
                anchor, label = step[name].auto_id, f"{where} · {step.fields[name].label}"
            else:
                anchor, label = f"step-{step.prefix}", where
            links += [ErrorLink(anchor, f"{label}: {e}") for e in errors]
    links += [ErrorLink("steps", str(e)) for e in formset.non_form_errors()]
    return links


# What the preview's "Who" column says of a step the run gives the collector instead.
STANDS_IN = {
    AssigneeRole.SALES_MANAGER: gettext_noop(
        "responsible collector (the debtor has no sales manager)"
    ),
    AssigneeRole.LAWYER: gettext_noop("responsible collector (no lawyer in the system)"),
    AssigneeRole.DIRECTOR: gettext_noop("responsible collector (no director in the system)"),
}


def person(data: Mapping[str, Any], collector_for: Collection[str] = ()) -> str:
    """Whom the run gives a step's task for the sample debtor, as `engine.Context.assignee`
    decides it: a named user, the collector for a role in `collector_for` (nobody holds it
    for this debtor), else the role's person. Steps with the same person are one person's."""
    role = data.get("assignee_role") or AssigneeRole.COLLECTOR
    if role == AssigneeRole.USER:
        user = data.get("assignee_user")
        return f"user {getattr(user, 'pk', user)}" if user else AssigneeRole.COLLECTOR
    if role in collector_for:
        return AssigneeRole.COLLECTOR
    return str(role)


def preview_steps(
    formset: Any, collector_for: Collection[str] = ()
) -> tuple[list[dict[str, Any]], list[str]]:
    """The steps of the (possibly unsaved) editor for the preview, and the numbers of the
    steps left out because they do not validate yet. `collector_for`: the roles whose steps
    the run would give the sample debtor's collector
    (`SampleInvoiceForm.collector_stands_in_for`)."""
    steps, left_out = [], []
    for number, step in enumerate(formset.forms, start=1):
        if not step.has_changed() and step.instance.pk is None:
            continue  # the empty extra form
        if not step.is_valid():
            left_out.append(step_number(step, number))
            continue
        data = step.cleaned_data
        if data.get("DELETE"):
            continue
        who = _label(AssigneeRole, data.get("assignee_role"))
        if data.get("assignee_role") == AssigneeRole.USER and data.get("assignee_user"):
            who = str(data["assignee_user"])
        elif data.get("assignee_role") in collector_for and data["assignee_role"] in STANDS_IN:
            who = _(STANDS_IN[data["assignee_role"]])
        steps.append(
            {
                **data,
                "name": localized(_names(data.get), data.get("name") or ""),
                "action_label": _label(Action, data.get("action")),
                "who_label": who,
                "person": person(data, collector_for),
                "event_label": _label(Event, data.get("event")),
                "min_overdue_amount": data.get("min_overdue_amount") or Decimal("0"),
            }
        )
    return steps, left_out


def sample_initial(today: date) -> dict[str, Any]:
    return {"due": today, "amount": Decimal("10000"), "country": "RO"}
