from datetime import time

from django.db import migrations


def add_policies(apps, schema_editor):
    from dunwell.ladder.default_policies import DEFAULT_POLICIES, step_fields

    Policy = apps.get_model("ladder", "Policy")
    PolicyStep = apps.get_model("ladder", "PolicyStep")
    Segment = apps.get_model("ledger", "Segment")
    SegmentPolicy = apps.get_model("ladder", "SegmentPolicy")
    for spec in DEFAULT_POLICIES:
        policy, created = Policy.objects.get_or_create(
            code=spec["code"], defaults={"name": spec["name"], "description": spec["description"]}
        )
        if created:
            for order, step in enumerate(spec["steps"], start=1):
                fields = step_fields(order * 10, step)
                for name in ("window_start", "window_end"):
                    if fields[name]:
                        hours, minutes = fields[name].split(":")
                        fields[name] = time(int(hours), int(minutes))
                PolicyStep.objects.create(policy=policy, **fields)
        segment = Segment.objects.filter(code=spec["segment"]).first()
        if segment is not None:
            SegmentPolicy.objects.get_or_create(segment=segment, defaults={"policy": policy})


class Migration(migrations.Migration):
    dependencies = [("ladder", "0001_initial"), ("ledger", "0002_default_segments")]

    operations = [migrations.RunPython(add_policies, migrations.RunPython.noop)]
