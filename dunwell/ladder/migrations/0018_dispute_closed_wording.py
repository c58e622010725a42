from django.db import migrations

# The Russian and Ukrainian instructions of the shipped "dispute resolved" step called the
# customer's claim "претензия"/"претензія" (the pretension letter of the legal track) and
# "settled" ("урегулирована"), though the step follows a rejected claim too: they now say the
# dispute is closed ("Спор закрыт", "Спір закрито"), the catalogues' word. English text → the
# old texts per language, as migration 0005 wrote them.
OLD = {
    "The claim is settled. Call and ask for a firm payment date.": {
        "ru": "Претензия клиента урегулирована. Позвоните и спросите твёрдую дату оплаты.",
        "uk": "Претензію клієнта врегульовано. Зателефонуйте й запитайте тверду дату оплати.",
    },
}


def reword(apps, schema_editor):
    """Give the shipped steps the new text in each language where they still carry the old
    shipped one beside the shipped English: a text a company wrote or edited is left alone."""
    from dunwell.ladder.default_policies import translations_of

    steps = apps.get_model("ladder", "PolicyStep").objects.filter(instructions__in=list(OLD))
    for step in steps:
        texts = dict(step.translated_instructions or {})
        shipped = translations_of(step.instructions)
        changed = False
        for language, old in OLD[step.instructions].items():
            new = shipped.get(language)
            if texts.get(language) == old and new and new != old:
                texts[language] = new
                changed = True
        if changed:
            step.translated_instructions = texts
            step.save(update_fields=["translated_instructions"])


class Migration(migrations.Migration):
    dependencies = [("ladder", "0017_approval_wording")]

    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]
