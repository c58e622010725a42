from django.db import migrations


def translate(apps, schema_editor):
    """Give the shipped segments, policies and steps their ru/uk/ro names; rows a company
    renamed (their English name is no longer a shipped one) or already named are left alone."""
    from dunwell.ladder.default_policies import translations_of

    for app, model in (("ledger", "Segment"), ("ladder", "Policy"), ("ladder", "PolicyStep")):
        for row in apps.get_model(app, model).objects.all():
            changed = []
            names = translations_of(row.name)
            if names and not row.names:
                row.names = names
                changed.append("names")
            if model == "Policy" and row.description and not row.descriptions:
                descriptions = translations_of(row.description)
                if descriptions:
                    row.descriptions = descriptions
                    changed.append("descriptions")
            if model == "PolicyStep" and row.instructions and not row.translated_instructions:
                instructions = translations_of(row.instructions)
                if instructions:
                    row.translated_instructions = instructions
                    changed.append("translated_instructions")
            if changed:
                row.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [
        ("ladder", "0004_graces_names_company_runs"),
        ("ledger", "0003_segment_names"),
    ]

    operations = [migrations.RunPython(translate, migrations.RunPython.noop)]
