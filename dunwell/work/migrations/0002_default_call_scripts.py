"""Default call scripts in the four languages; managers edit them on the scripts page."""

from django.db import migrations

SCRIPTS = {
    "en": {
        "first_call": "Good day, {contact}. This is {collector} from {company}. I am calling about invoice {oldest_document}: it is {days_overdue} days overdue and {overdue} is still open. Have you received the goods and the invoice? When will the payment be made?",
        "repeat_call": "Good day, {contact}. {collector} from {company} again. We spoke about the overdue {overdue} of {debtor}. What has changed since our last call? I need a payment date and the amount today.",
        "after_broken_promise": "Good day, {contact}. You promised us a payment that has not arrived; {overdue} is now {days_overdue} days overdue. What happened? I need a firm date and the name of the person who approves the payment.",
        "after_dispute_resolved": "Good day, {contact}. Your claim has been resolved. The remaining {overdue} is now due. On which date will {debtor} pay?",
        "decision_maker": "Good day, {contact}. I understand you decide on payments at {debtor}. The debt of {overdue} is {days_overdue} days overdue. Let us agree today on a date and amount, so that shipments can continue normally.",
    },
    "ru": {
        "first_call": "Добрый день, {contact}. Это {collector}, компания {company}. Звоню по счёту {oldest_document}: просрочка {days_overdue} дн., к оплате {overdue}. Товар и счёт вы получили? Когда будет оплата?",
        "repeat_call": "Добрый день, {contact}. Снова {collector}, компания {company}. Мы говорили о просроченной задолженности {debtor} — {overdue}. Что изменилось с прошлого звонка? Мне нужны дата и сумма оплаты сегодня.",
        "after_broken_promise": "Добрый день, {contact}. Обещанная оплата не поступила; {overdue} просрочено уже {days_overdue} дн. Что случилось? Мне нужна твёрдая дата и имя человека, который утверждает платежи.",
        "after_dispute_resolved": "Добрый день, {contact}. Ваша претензия урегулирована. Оставшаяся сумма {overdue} подлежит оплате. Какого числа {debtor} оплатит?",
        "decision_maker": "Добрый день, {contact}. Насколько я понимаю, платежи в {debtor} решаете вы. Долг {overdue} просрочен на {days_overdue} дн. Давайте сегодня договоримся о дате и сумме, чтобы отгрузки шли в обычном порядке.",
    },
    "uk": {
        "first_call": "Добрий день, {contact}. Це {collector}, компанія {company}. Телефоную щодо рахунку {oldest_document}: прострочення {days_overdue} дн., до сплати {overdue}. Товар і рахунок ви отримали? Коли буде оплата?",
        "repeat_call": "Добрий день, {contact}. Знову {collector}, компанія {company}. Ми говорили про прострочену заборгованість {debtor} — {overdue}. Що змінилося з минулої розмови? Мені потрібні дата й сума оплати сьогодні.",
        "after_broken_promise": "Добрий день, {contact}. Обіцяна оплата не надійшла; {overdue} прострочено вже {days_overdue} дн. Що сталося? Мені потрібна тверда дата та ім'я людини, яка погоджує платежі.",
        "after_dispute_resolved": "Добрий день, {contact}. Вашу претензію врегульовано. Залишок {overdue} підлягає оплаті. Якого числа {debtor} сплатить?",
        "decision_maker": "Добрий день, {contact}. Наскільки я розумію, платежі в {debtor} вирішуєте ви. Борг {overdue} прострочено на {days_overdue} дн. Домовмося сьогодні про дату й суму, щоб відвантаження йшли як зазвичай.",
    },
    "ro": {
        "first_call": "Bună ziua, {contact}. Sunt {collector} de la {company}. Vă sun în legătură cu factura {oldest_document}: are {days_overdue} zile de întârziere și suma de {overdue} este încă neachitată. Ați primit marfa și factura? Când se va face plata?",
        "repeat_call": "Bună ziua, {contact}. Din nou {collector} de la {company}. Am vorbit despre restanța {debtor} de {overdue}. Ce s-a schimbat de la ultimul apel? Am nevoie astăzi de o dată și o sumă de plată.",
        "after_broken_promise": "Bună ziua, {contact}. Plata promisă nu a sosit; {overdue} are deja {days_overdue} zile de întârziere. Ce s-a întâmplat? Am nevoie de o dată fermă și de numele persoanei care aprobă plățile.",
        "after_dispute_resolved": "Bună ziua, {contact}. Reclamația dumneavoastră a fost soluționată. Suma rămasă de {overdue} este scadentă. La ce dată va plăti {debtor}?",
        "decision_maker": "Bună ziua, {contact}. Înțeleg că dumneavoastră decideți plățile la {debtor}. Datoria de {overdue} are {days_overdue} zile de întârziere. Să stabilim astăzi data și suma, ca livrările să continue normal.",
    },
}


def add_scripts(apps, schema_editor):
    CallScript = apps.get_model("work", "CallScript")
    for language, by_situation in SCRIPTS.items():
        for situation, text in by_situation.items():
            CallScript.objects.get_or_create(
                situation=situation, language=language, defaults={"text": text}
            )


class Migration(migrations.Migration):
    dependencies = [("work", "0001_initial")]
    operations = [migrations.RunPython(add_scripts, migrations.RunPython.noop)]
