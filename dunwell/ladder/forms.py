from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dunwell.ladder.models import Policy, PolicyStep, Trigger


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["name", "code", "description", "active"]


class PolicyStepForm(forms.ModelForm):
    class Meta:
        model = PolicyStep
        fields = [
            "order", "name", "trigger", "days", "event", "action", "window_start", "window_end",
            "assignee_role", "assignee_user", "needs_approval", "approval_role", "scope",
            "min_overdue_amount", "instructions",
        ]  # fmt: skip
        widgets = {
            "window_start": forms.TimeInput(attrs={"type": "time"}),
            "window_end": forms.TimeInput(attrs={"type": "time"}),
            "instructions": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("trigger") == Trigger.EVENT and not data.get("event"):
            self.add_error("event", _("An event step must name its event."))
        if data.get("needs_approval") and not data.get("approval_role"):
            self.add_error("approval_role", _("Say which role approves this step."))
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:  # type: ignore[operator]
            self.add_error("window_end", _("The window must end after it starts."))
        return data


StepFormSet = forms.inlineformset_factory(
    Policy, PolicyStep, form=PolicyStepForm, extra=1, can_delete=True
)
