"""The app of the background tasks' queue (django_tasks_db), named in the reader's language.

Kept out of dunwell/apps.py: Django picks a package's app config from its apps.py only when it
holds one."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class BackgroundTasksConfig(TasksAppConfig):
    """The admin lists the queue under this name: the package's own, "Tasks Database Backend",
    is a plain string no catalogue reaches."""

    verbose_name = _("Background tasks")  # type: ignore[assignment]  # the package types it str
