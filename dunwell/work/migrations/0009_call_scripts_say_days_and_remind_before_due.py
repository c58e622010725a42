"""The shipped call scripts say the days overdue with their word ({days_late}: "34 de zile",
"34 дня", "1 day") instead of a bare number before a fixed "zile"/"дн."/"days" ("1 zile",
"34 zile de întârziere"); and a reminder before the due date, the one script for a debtor with
nothing overdue yet (the others read "0 zile de întârziere" to them)."""

from importlib import import_module

from django.db import migrations, models

# The texts that change, as 0002 shipped them → as they read now.
NEW = {
    "en": {
        "first_call": "Good day, {contact}. This is {collector} from {company}. I am calling about invoice {oldest_document}: it is {days_late} overdue and {overdue} is still open. Have you received the goods and the invoice? When will the payment be made?",
        "after_broken_promise": "Good day, {contact}. You promised us a payment that has not arrived; {overdue} is now {days_late} overdue. What happened? I need a firm date and the name of the person who approves the payment.",
        "decision_maker": "Good day, {contact}. I understand you decide on payments at {debtor}. The debt of {overdue} is {days_late} overdue. Let us agree today on a date and amount, so that shipments can continue normally.",
    },
    "ru": {
        "first_call": "Добрый день, {contact}. Это {collector}, компания {company}. Звоню по счёту {oldest_document}: просрочка {days_late}, к оплате {overdue}. Товар и счёт вы получили? Когда будет оплата?",
        "after_broken_promise": "Добрый день, {contact}. Обещанная оплата не поступила; {overdue} просрочено уже на {days_late}. Что случилось? Мне нужна твёрдая дата и имя человека, который утверждает платежи.",
        "decision_maker": "Добрый день, {contact}. Насколько я понимаю, платежи в {debtor} решаете вы. Долг {overdue} просрочен на {days_late}. Давайте сегодня договоримся о дате и сумме, чтобы отгрузки шли в обычном порядке.",
    },
    "uk": {
        "first_call": "Добрий день, {contact}. Це {collector}, компанія {company}. Телефоную щодо рахунку {oldest_document}: прострочення {days_late}, до сплати {overdue}. Товар і рахунок ви отримали? Коли буде оплата?",
        "after_broken_promise": "Добрий день, {contact}. Обіцяна оплата не надійшла; {overdue} прострочено вже на {days_late}. Що сталося? Мені потрібна тверда дата та ім'я людини, яка погоджує платежі.",
        "decision_maker": "Добрий день, {contact}. Наскільки я розумію, платежі в {debtor} вирішуєте ви. Борг {overdue} прострочено на {days_late}. Домовмося сьогодні про дату й суму, щоб відвантаження йшли як зазвичай.",
    },
    "ro": {
        "first_call": "Bună ziua, {contact}. Sunt {collector} de la {company}. Vă sun în legătură cu factura {oldest_document}: are {days_late} de întârziere și suma de {overdue} este încă neachitată. Ați primit marfa și factura? Când se va face plata?",
        "after_broken_promise": "Bună ziua, {contact}. Plata promisă nu a sosit; {overdue} are deja {days_late} de întârziere. Ce s-a întâmplat? Am nevoie de o dată fermă și de numele persoanei care aprobă plățile.",
        "decision_maker": "Bună ziua, {contact}. Înțeleg că dumneavoastră decideți plățile la {debtor}. Datoria de {overdue} are {days_late} de întârziere. Să stabilim astăzi data și suma, ca livrările să continue normal.",
    },
}

BEFORE_DUE = {
    "en": "Good day, {contact}. This is {collector} from {company}. I am calling ahead of the due date: invoice {oldest_document} falls due on {due_date}, and {total} is to be paid in all. Have you received the goods and the invoice? Is the payment planned for that date?",
    "ru": "Добрый день, {contact}. Это {collector}, компания {company}. Звоню заранее: срок оплаты счёта {oldest_document} — {due_date}, всего к оплате {total}. Товар и счёт вы получили? Оплата к этой дате запланирована?",
    "uk": "Добрий день, {contact}. Це {collector}, компанія {company}. Телефоную заздалегідь: строк оплати рахунку {oldest_document} — {due_date}, загалом до сплати {total}. Товар і рахунок ви отримали? Оплату до цієї дати заплановано?",
    "ro": "Bună ziua, {contact}. Sunt {collector} de la {company}. Vă sun înainte de scadență: factura {oldest_document} este scadentă la {due_date}, iar suma totală de plată este de {total}. Ați primit marfa și factura? Plata este planificată pentru această dată?",
}


def update_scripts(apps, schema_editor):
    """Give the shipped scripts the new text where they still read as 0002 shipped them: a
    script a manager wrote or edited is left alone (its {days_overdue} still fills in). The
    reminder is added where the company has none in that language."""
    shipped = import_module("dunwell.work.migrations.0002_default_call_scripts").SCRIPTS
    CallScript = apps.get_model("work", "CallScript")
    for language, by_situation in NEW.items():
        for situation, text in by_situation.items():
            CallScript.objects.filter(
                language=language, situation=situation, text=shipped[language][situation]
            ).update(text=text)
    for language, text in BEFORE_DUE.items():
        CallScript.objects.get_or_create(
            situation="before_due", language=language, defaults={"text": text}
        )


class Migration(migrations.Migration):
    dependencies = [("work", "0008_notification_texts")]

    operations = [
        migrations.AlterField(
            model_name="callscript",
            name="situation",
            field=models.CharField(
                choices=[
                    ("first_call", "First call"),
                    ("repeat_call", "Repeat call"),
                    ("after_broken_promise", "After a broken promise"),
                    ("after_dispute_resolved", "After a resolved dispute"),
                    ("decision_maker", "Talking to the decision-maker"),
                    ("before_due", "Reminder before the due date"),
                ],
                max_length=32,
                verbose_name="situation",
            ),
        ),
        migrations.RunPython(update_scripts, migrations.RunPython.noop),
    ]
