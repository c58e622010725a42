from django.db import migrations

# The Russian and Ukrainian texts of the shipped steps and policies that called a step's
# approval "одобрение"/"схвалення"; the pages that approve steps say "Утвердить"/"Затвердити"
# (the ladder's, legal and work catalogues; a credit decision alone is "одобрить"). English text
# → the old texts per language, as migration 0005 wrote them.
OLD = {
    "Privileged customers: management grants grace per counterparty; legal steps only with "
    "the director's approval.": {
        "ru": "Привилегированные клиенты: руководство даёт отсрочку каждому контрагенту; "
        "юридические шаги только с одобрения директора.",
        "uk": "Привілейовані клієнти: керівництво надає відстрочку кожному контрагенту; "
        "юридичні кроки лише зі схвалення директора.",
    },
    "Stop shipments (director's approval)": {
        "ru": "Остановить отгрузки (одобрение директора)",
        "uk": "Зупинити відвантаження (схвалення директора)",
    },
    "Pretension deadline passed: court filing (director's approval)": {
        "ru": "Срок претензии истёк: иск в суд (одобрение директора)",
        "uk": "Строк претензії сплив: позов до суду (схвалення директора)",
    },
    "Legal steps against a key customer need the director's approval.": {
        "ru": "Юридические шаги против ключевого клиента требуют одобрения директора.",
        "uk": "Юридичні кроки проти ключового клієнта потребують схвалення директора.",
    },
}

# (model, English field, per-language field)
FIELDS = (
    ("Policy", "description", "descriptions"),
    ("PolicyStep", "name", "names"),
    ("PolicyStep", "instructions", "translated_instructions"),
)


def reword(apps, schema_editor):
    """Give the shipped rows the new text in each language where they still carry the old
    shipped one beside the shipped English: a text a company wrote or edited is left alone."""
    from dunwell.ladder.default_policies import translations_of

    for model, english, translated in FIELDS:
        rows = apps.get_model("ladder", model).objects.filter(**{f"{english}__in": list(OLD)})
        for row in rows:
            texts = dict(getattr(row, translated) or {})
            shipped = translations_of(getattr(row, english))
            changed = False
            for language, old in OLD[getattr(row, english)].items():
                new = shipped.get(language)
                if texts.get(language) == old and new and new != old:
                    texts[language] = new
                    changed = True
            if changed:
                setattr(row, translated, texts)
                row.save(update_fields=[translated])


class Migration(migrations.Migration):
    dependencies = [("ladder", "0016_romanian_claim_letter_names")]

    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]
