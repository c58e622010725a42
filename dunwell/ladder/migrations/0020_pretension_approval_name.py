from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Concat, Left, Substr

# The key customers' legal step was named for its approval ("Director decides on legal
# steps"), and its task kept that name once approved: the lawyer's list read "Director decides
# on legal steps — ACME" for a pretension to write. It is named for what it does, as the other
# approval steps are ("Stop shipments (director's approval)").
OLD = "Director decides on legal steps"
NEW = "Pretension (director's approval)"
OLD_NAMES = {
    "ru": "Директор решает о юридических шагах",
    "uk": "Директор вирішує щодо юридичних кроків",
    "ro": "Directorul decide asupra pașilor juridici",
}
SEPARATOR = " — "


def rename(apps, schema_editor):
    """Rename the shipped step where a company kept its English name, with each language's
    name still as shipped (a company's own wording stays), and the titles its tasks took from
    it (a title someone wrote stays)."""
    from dunwell.ladder.default_policies import translations_of

    new_names = translations_of(NEW)
    steps = apps.get_model("ladder", "PolicyStep").objects.filter(name=OLD)
    for step in steps:
        names = dict(step.names or {})
        for language, old in OLD_NAMES.items():
            if names.get(language) == old and new_names.get(language):
                names[language] = new_names[language]
        step.name, step.names = NEW, names
        step.save(update_fields=["name", "names"])
        apps.get_model("ladder", "Task").objects.filter(
            step=step, title__startswith=OLD + SEPARATOR
        ).update(
            title=Left(
                Concat(Value(NEW + SEPARATOR), Substr(F("title"), len(OLD + SEPARATOR) + 1)), 255
            )
        )


class Migration(migrations.Migration):
    dependencies = [("ladder", "0019_dispute_accepted_amount")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
