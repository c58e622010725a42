from django.db import migrations

# The Romanian texts of the shipped steps and policies that called the claim letter "somație";
# the product calls it "notificare de plată" everywhere (the legal papers, the letters, the
# ladder's own catalogue). English text → the old Romanian one, as 0005 wrote it.
OLD_RO = {
    "Pretension (claim letter) with the contract's period": "Somație cu termenul din contract",
    "Pretension (claim letter)": "Somație",
    "Pretension deadline passed: prepare the court filing": (
        "Termenul somației a expirat: pregătiți cererea de chemare în judecată"
    ),
    "Pretension deadline passed: court filing (director's approval)": (
        "Termenul somației a expirat: acțiune în instanță (aprobarea directorului)"
    ),
    "The collection regulation: manager and supervisor notified on day +1, 10 days of "
    "negotiation, then pretension and stopped shipments, then court.": (
        "Regulamentul de recuperare: în ziua +1 sunt anunțați managerul și supervizorul, "
        "10 zile de negocieri, apoi somația și oprirea livrărilor, apoi instanța."
    ),
    "Stricter and earlier: a reminder before the due date, pretension on day +7.": (
        "Mai strict și mai devreme: un memento înainte de scadență, somația în ziua +7."
    ),
    "The negotiation window has ended. Send the pretension giving the contract's claim "
    "period (30 days by default), with the penalty calculation.": (
        "Perioada de negociere s-a încheiat. Trimiteți somația cu termenul din contract "
        "(implicit 30 de zile) și calculul penalităților."
    ),
    "The claim period has passed without payment: prepare the court filing.": (
        "Termenul somației a trecut fără plată: pregătiți cererea de chemare în judecată."
    ),
}

# (model, English field, per-language field)
FIELDS = (
    ("Policy", "description", "descriptions"),
    ("PolicyStep", "name", "names"),
    ("PolicyStep", "instructions", "translated_instructions"),
)


def rename(apps, schema_editor):
    """Give the shipped rows the new Romanian text where they still carry the old shipped one
    beside the shipped English: a text a company wrote or edited (in Romanian or in English)
    is left alone."""
    from dunwell.ladder.default_policies import translations_of

    for model, english, translated in FIELDS:
        rows = apps.get_model("ladder", model).objects.filter(**{f"{english}__in": list(OLD_RO)})
        for row in rows:
            texts = getattr(row, translated) or {}
            old = OLD_RO[getattr(row, english)]
            new = translations_of(getattr(row, english)).get("ro")
            if texts.get("ro") == old and new and new != old:
                setattr(row, translated, {**texts, "ro": new})
                row.save(update_fields=[translated])


class Migration(migrations.Migration):
    dependencies = [("ladder", "0015_task_document_ids")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
