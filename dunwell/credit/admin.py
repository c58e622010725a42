from django.contrib import admin

from dunwell.credit.models import (
    CreditApprovalRequest,
    CreditCheck,
    CreditLimit,
    CreditRuleSet,
    RuleAcknowledgement,
)
from dunwell.ledger.audit import AuditedAdmin, RecordAdmin


@admin.register(CreditRuleSet)
class CreditRuleSetAdmin(admin.ModelAdmin[CreditRuleSet]):
    list_display = ("__str__", "effective_from", "breach_action", "created_by")
    list_filter = ("segment", "breach_action")


@admin.register(CreditLimit)
class CreditLimitAdmin(AuditedAdmin):
    list_display = ("counterparty", "total", "currency", "valid_from", "source", "set_by")
    list_filter = ("source", "currency")
    raw_id_fields = ("counterparty",)


# A check's answer as it was given, the request decided on the approvals page (who and when),
# a manager's acknowledgement of the rules: records, not edited by hand (RecordAdmin).
@admin.register(CreditCheck)
class CreditCheckAdmin(RecordAdmin):
    list_display = ("created_at", "counterparty", "order_ref", "amount", "currency", "decision")
    list_filter = ("decision", "channel")
    raw_id_fields = ("counterparty",)


@admin.register(CreditApprovalRequest)
class CreditApprovalRequestAdmin(RecordAdmin):
    list_display = ("requested_at", "counterparty", "order_ref", "amount", "status", "expires_on")
    list_filter = ("status",)
    raw_id_fields = ("counterparty", "credit_check")


@admin.register(RuleAcknowledgement)
class RuleAcknowledgementAdmin(RecordAdmin):
    list_display = ("rule_set", "user", "acknowledged_at")
