import unicodedata

from django.db import migrations

import dunwell.accounts.models


def normalise(apps, schema_editor):
    """Existing names get the one spelling login now looks up. A name whose normalised
    spelling is already taken keeps its old spelling (printed) for an administrator to fix."""
    User = apps.get_model("accounts", "User")
    for user in User.objects.order_by("pk"):
        name = unicodedata.normalize("NFKC", user.username).strip().casefold()
        if name == user.username:
            continue
        if User.objects.filter(username=name).exists():
            print(f"\n  accounts: user {user.pk} {user.username!r} clashes with {name!r}; rename it")
            continue
        User.objects.filter(pk=user.pk).update(username=name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", dunwell.accounts.models.DunwellUserManager()),
            ],
        ),
        migrations.RunPython(normalise, migrations.RunPython.noop),
    ]
