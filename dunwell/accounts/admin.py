from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from dunwell.accounts.models import User
from dunwell.accounts.views import ThrottledAdminAuthenticationForm

# /admin/login/ goes through the same throttle as /login/.
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "supervisor", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Dunwell"), {"fields": ("role", "supervisor", "language", "time_zone")}),
    )
