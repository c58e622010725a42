"""The shipped script after a dispute said it was settled ("Your claim has been resolved",
"Reclamația … a fost soluționată", "Ваша претензия урегулирована", "Вашу претензію
врегульовано") though the card picks it after a rejected dispute too, and the Russian and
Ukrainian ones called the customer's dispute "претензия"/"претензія" (the pretension letter of
the legal track; the catalogues say "спор"/"спір"). It now says the dispute was reviewed and
closed, which fits both outcomes."""

from importlib import import_module

from django.db import migrations

SITUATION = "after_dispute_resolved"

NEW = {
    "en": "Good day, {contact}. We have reviewed your dispute and closed it. The remaining {overdue} is now due. On which date will {debtor} pay?",
    "ru": "Добрый день, {contact}. Мы рассмотрели ваш спор и закрыли его. Оставшаяся сумма {overdue} подлежит оплате. Какого числа {debtor} оплатит?",
    "uk": "Добрий день, {contact}. Ми розглянули ваш спір і закрили його. Залишок {overdue} підлягає оплаті. Якого числа {debtor} сплатить?",
    "ro": "Bună ziua, {contact}. Am analizat disputa dumneavoastră și am închis-o. Suma rămasă de {overdue} este scadentă. La ce dată va plăti {debtor}?",
}


def reword(apps, schema_editor):
    """Give the shipped script the new text where it still reads as 0002 shipped it: a script
    a manager wrote or edited is left alone."""
    shipped = import_module("dunwell.work.migrations.0002_default_call_scripts").SCRIPTS
    CallScript = apps.get_model("work", "CallScript")
    for language, text in NEW.items():
        CallScript.objects.filter(
            language=language, situation=SITUATION, text=shipped[language][SITUATION]
        ).update(text=text)


class Migration(migrations.Migration):
    dependencies = [("work", "0012_notification_decision_kind")]

    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]
