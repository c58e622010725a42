"""The shipped wordings (dunwell/letters/defaults.py) as version 1 of each kind and language.
They are not approved: a manager reads and approves them before any step goes out by itself."""

from django.db import migrations
from django.utils import timezone


def add_wordings(apps, schema_editor):
    from dunwell.letters.defaults import default_wordings

    Wording = apps.get_model("letters", "Wording")
    now = timezone.now()
    for w in default_wordings():
        if Wording.objects.filter(kind=w["kind"], language=w["language"]).exists():
            continue
        Wording.objects.create(
            kind=w["kind"],
            language=w["language"],
            version=1,
            subject=w["subject"],
            body=w["body"],
            created_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_wordings_and_mailings")]

    operations = [migrations.RunPython(add_wordings, migrations.RunPython.noop)]
