from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import ManyToManyField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dunwell.accounts.models import User
from dunwell.accounts.views import ThrottledAdminAuthenticationForm

# /admin/login/ goes through the same throttle as /login/.
admin.site.login_form = ThrottledAdminAuthenticationForm

# Django stores a model's permission names in English when it migrates ("Can add document");
# the admin's permission lists say them in the reader's language from the codename instead.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """A permission as Django writes it ("App | model | Can add model"), in the active
    language; a permission of another kind (a model's own) keeps its stored name."""
    model = permission.content_type.model_class()
    if model is None:  # a stale content type
        return str(permission)
    name = permission.name
    action, _sep, model_name = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        name = str(PERMISSION_ACTIONS[action]) % {"model": model._meta.verbose_name}
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {name}"


class PermissionLabels(admin.ModelAdmin):  # type: ignore[type-arg]
    """The permission lists of the user and group pages, in the reader's language."""

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[arg-type]
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label  # type: ignore[assignment]
        return field


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabels, BaseGroupAdmin):
    pass


@admin.register(User)
class UserAdmin(PermissionLabels, BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "supervisor", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Dunwell"), {"fields": ("role", "supervisor", "language", "time_zone")}),
    )
