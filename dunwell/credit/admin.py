from django.contrib import admin

from dunwell.credit.models import (
    CreditApprovalRequest,
    CreditCheck,
    CreditLimit,
    CreditRuleSet,
    RuleAcknowledgement,
)


@admin.register(CreditRuleSet)
class CreditRuleSetAdmin(admin.ModelAdmin[CreditRuleSet]):
    list_display = ("__str__", "effective_from", "breach_action", "created_by")
    list_filter = ("segment", "breach_action")


@admin.register(CreditLimit)
class CreditLimitAdmin(admin.ModelAdmin[CreditLimit]):
    list_display = ("counterparty", "total", "currency", "valid_from", "source", "set_by")
    list_filter = ("source", "currency")
    raw_id_fields = ("counterparty",)


@admin.register(CreditCheck)
class CreditCheckAdmin(admin.ModelAdmin[CreditCheck]):
    list_display = ("created_at", "counterparty", "order_ref", "amount", "currency", "decision")
    list_filter = ("decision", "channel")
    raw_id_fields = ("counterparty",)


@admin.register(CreditApprovalRequest)
class CreditApprovalRequestAdmin(admin.ModelAdmin[CreditApprovalRequest]):
    list_display = ("requested_at", "counterparty", "order_ref", "amount", "status", "expires_on")
    list_filter = ("status",)
    raw_id_fields = ("counterparty", "credit_check")


admin.site.register(RuleAcknowledgement)
