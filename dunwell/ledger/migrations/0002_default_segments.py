from django.db import migrations

# The segments DESIGN §1.4 names; companies add their own in admin.
SEGMENTS = [("key", "Key customer"), ("standard", "Standard"), ("new", "New customer")]


def add_segments(apps, schema_editor):
    Segment = apps.get_model("ledger", "Segment")
    for code, name in SEGMENTS:
        Segment.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(add_segments, migrations.RunPython.noop)]
