"""The wordings every installation starts with (loaded by migration 0002): per kind and
language, polite and professional; legal consequences appear only in the legal-stage kind."""

from __future__ import annotations

GREETING = {
    "en": "{% if addressee %}Dear {{ addressee.name }},{% else %}Dear Sir or Madam,{% endif %}",
    "ru": "{% if addressee %}Здравствуйте, {{ addressee.name }}!{% else %}Добрый день!{% endif %}",
    "uk": "{% if addressee %}Доброго дня, {{ addressee.name }}!{% else %}Доброго дня!{% endif %}",
    "ro": "{% if addressee %}Bună ziua, {{ addressee.name }},{% else %}Bună ziua,{% endif %}",
}
TERMS = {
    "en": "Payment terms agreed in the contract:",
    "ru": "Условия оплаты по договору:",
    "uk": "Умови оплати за договором:",
    "ro": "Condițiile de plată din contract:",
}
TOTAL = {
    "en": "Total overdue: {{ total_overdue }}.",
    "ru": "Всего просрочено: {{ total_overdue }}.",
    "uk": "Усього прострочено: {{ total_overdue }}.",
    "ro": "Total restant: {{ total_overdue }}.",
}
SIGNATURE = {
    "en": "Kind regards,",
    "ru": "С уважением,",
    "uk": "З повагою,",
    "ro": "Cu stimă,",
}


def _facts(language: str, with_total: bool) -> str:
    total = f"\n{{% if total_overdue %}}{TOTAL[language]}{{% endif %}}" if with_total else ""
    return (
        "{{ documents }}" + total + "\n"
        "{% if terms %}\n" + TERMS[language] + "\n{{ terms }}\n{% endif %}"
        "{% if penalty %}\n{{ penalty }}\n{% endif %}"
        "{% if promises %}\n{{ promises }}\n{% endif %}"
        "{% if disputes %}\n{{ disputes }}\n{% endif %}"
    )


def _body(language: str, intro: str, closing: str, with_total: bool = False) -> str:
    return (
        f"{GREETING[language]}\n\n{intro}\n\n{_facts(language, with_total)}\n{closing}\n\n"
        f"{SIGNATURE[language]}\n{{{{ sender.name }}}}\n{{{{ company.name }}}}"
        "{% if sender.phone %}\n{{ sender.phone }}{% endif %}"
        "{% if sender.email %}\n{{ sender.email }}{% endif %}"
    )


TEXTS: dict[str, dict[str, tuple[str, str, str]]] = {
    "friendly": {
        "en": (
            "Payment reminder: {{ debtor.name }}",
            "We hope all is well at {{ debtor.name }}. This is a friendly reminder that, "
            "according to our records, the following documents of {{ company.name }} are "
            "still open:",
            "If the payment is already on its way, please disregard this message, and thank "
            "you. Otherwise we would be grateful if you could arrange it, or let us know the "
            "expected payment date, by {{ reply_by }}. If anything in the documents is unclear, "
            "just reply to this message and we will gladly help.",
        ),
        "ru": (
            "Напоминание об оплате: {{ debtor.name }}",
            "Напоминаем, что, по нашим данным, следующие документы {{ company.name }} пока "
            "не оплачены:",
            "Если оплата уже в пути, просим не обращать внимания на это письмо и благодарим "
            "вас. Если нет, будем признательны, если вы произведёте оплату или сообщите "
            "ожидаемую дату платежа до {{ reply_by }}. Если по документам есть вопросы, просто "
            "ответьте на это письмо — мы с удовольствием поможем.",
        ),
        "uk": (
            "Нагадування про оплату: {{ debtor.name }}",
            "Нагадуємо, що, за нашими даними, такі документи {{ company.name }} поки не оплачені:",
            "Якщо оплата вже в дорозі, просимо не зважати на цей лист і дякуємо вам. Якщо ні, "
            "будемо вдячні, якщо ви здійсните оплату або повідомите очікувану дату платежу до "
            "{{ reply_by }}. Якщо щодо документів є запитання, просто дайте відповідь на цей "
            "лист — ми охоче допоможемо.",
        ),
        "ro": (
            "Memento de plată: {{ debtor.name }}",
            "Vă reamintim că, potrivit evidențelor noastre, următoarele documente emise de "
            "{{ company.name }} sunt încă neachitate:",
            "Dacă plata este deja în curs, vă rugăm să ignorați acest mesaj și vă mulțumim. "
            "În caz contrar, vă rugăm să efectuați plata sau să ne comunicați data estimată a "
            "plății până la {{ reply_by }}. Dacă aveți întrebări despre documente, răspundeți "
            "simplu la acest mesaj și vă vom ajuta cu plăcere.",
        ),
    },
    "firm": {
        "en": (
            "Second request for payment: {{ debtor.name }}",
            "Despite our earlier reminders, the following amounts due to {{ company.name }} "
            "remain unpaid:",
            "We ask you to pay the overdue amount by {{ reply_by }} or, if that is not "
            "possible, to contact us by that date to agree a payment date. Please also tell us "
            "who in your company decides on payments, so that we can agree it directly.",
        ),
        "ru": (
            "Повторная просьба об оплате: {{ debtor.name }}",
            "Несмотря на наши предыдущие напоминания, следующие суммы в пользу "
            "{{ company.name }} до сих пор не оплачены:",
            "Просим оплатить просроченную сумму до {{ reply_by }} или до этой даты связаться с "
            "нами, чтобы согласовать дату платежа. Также просим сообщить, кто в вашей компании "
            "принимает решения об оплате, чтобы мы могли договориться напрямую.",
        ),
        "uk": (
            "Повторне прохання про оплату: {{ debtor.name }}",
            "Попри наші попередні нагадування, такі суми на користь {{ company.name }} досі не "
            "сплачені:",
            "Просимо сплатити прострочену суму до {{ reply_by }} або до цієї дати зв'язатися з "
            "нами, щоб погодити дату платежу. Також просимо повідомити, хто у вашій компанії "
            "ухвалює рішення щодо оплат, щоб ми могли домовитися безпосередньо.",
        ),
        "ro": (
            "A doua solicitare de plată: {{ debtor.name }}",
            "În pofida mesajelor noastre anterioare, următoarele sume datorate "
            "{{ company.name }} nu au fost încă achitate:",
            "Vă rugăm să achitați suma restantă până la {{ reply_by }} sau să ne contactați "
            "până la această dată pentru a stabili o dată de plată. De asemenea, vă rugăm să "
            "ne spuneți cine decide plățile în compania dumneavoastră, pentru a ne putea "
            "înțelege direct.",
        ),
    },
    "final_warning": {
        "en": (
            "Final reminder of the overdue payment: {{ debtor.name }}",
            "This is our last request to settle the overdue debt to {{ company.name }} "
            "amicably. The following documents remain unpaid:",
            "If we do not receive the payment, or a written proposal for a repayment "
            "schedule, by {{ reply_by }}, we will have to review the terms of our cooperation, "
            "including further deliveries on credit. We value working with you and hope to "
            "settle this together.",
        ),
        "ru": (
            "Последнее напоминание о просроченной оплате: {{ debtor.name }}",
            "Это наше последнее обращение с просьбой урегулировать просроченную "
            "задолженность перед {{ company.name }} по-дружески. Не оплачены следующие "
            "документы:",
            "Если до {{ reply_by }} мы не получим оплату или письменное предложение по "
            "графику погашения, мы будем вынуждены пересмотреть условия нашего "
            "сотрудничества, включая дальнейшие отгрузки с отсрочкой платежа. Мы ценим наше "
            "сотрудничество и надеемся решить вопрос вместе.",
        ),
        "uk": (
            "Останнє нагадування про прострочену оплату: {{ debtor.name }}",
            "Це наше останнє звернення з проханням урегулювати прострочену заборгованість "
            "перед {{ company.name }} по-дружньому. Не сплачені такі документи:",
            "Якщо до {{ reply_by }} ми не отримаємо оплату або письмову пропозицію щодо "
            "графіка погашення, ми будемо змушені переглянути умови нашої співпраці, зокрема "
            "подальші відвантаження з відстроченням платежу. Ми цінуємо нашу співпрацю і "
            "сподіваємося розв'язати питання разом.",
        ),
        "ro": (
            "Ultimul memento privind plata restantă: {{ debtor.name }}",
            "Aceasta este ultima noastră solicitare de a rezolva pe cale amiabilă datoria "
            "restantă față de {{ company.name }}. Următoarele documente sunt încă neachitate:",
            "Dacă până la {{ reply_by }} nu primim plata sau o propunere scrisă de eșalonare, "
            "vom fi nevoiți să revizuim condițiile colaborării noastre, inclusiv livrările "
            "viitoare cu plată amânată. Apreciem colaborarea noastră și sperăm să rezolvăm "
            "situația împreună.",
        ),
    },
    "legal": {
        "en": (
            "Notice before court proceedings: {{ debtor.name }}",
            "As the overdue debt to {{ company.name }} has not been paid despite our requests, "
            "the matter has been passed to our legal department. The debt consists of:",
            "Unless the debt{% if penalty %} and the penalty{% endif %} are paid by "
            "{{ reply_by }}, we will send you a formal pretension (claim letter) and then go "
            "to court to recover the debt, the penalty and the legal costs. Paying in time "
            "avoids these costs for both sides.",
        ),
        "ru": (
            "Уведомление перед обращением в суд: {{ debtor.name }}",
            "Поскольку просроченная задолженность перед {{ company.name }} не погашена, "
            "несмотря на наши обращения, вопрос передан в наш юридический отдел. "
            "Задолженность составляет:",
            "Если задолженность{% if penalty %} и неустойка{% endif %} не будут оплачены до "
            "{{ reply_by }}, мы направим вам претензию, а затем обратимся в суд для взыскания "
            "долга, неустойки и судебных расходов. Своевременная оплата избавит обе стороны "
            "от этих расходов.",
        ),
        "uk": (
            "Повідомлення перед зверненням до суду: {{ debtor.name }}",
            "Оскільки прострочену заборгованість перед {{ company.name }} не погашено, попри "
            "наші звернення, питання передано нашому юридичному відділу. Заборгованість "
            "становить:",
            "Якщо заборгованість{% if penalty %} і пеню{% endif %} не буде сплачено до "
            "{{ reply_by }}, ми надішлемо вам претензію, а потім звернемося до суду для "
            "стягнення боргу, пені та судових витрат. Своєчасна оплата позбавить обидві "
            "сторони цих витрат.",
        ),
        "ro": (
            "Notificare înainte de acțiunea în instanță: {{ debtor.name }}",
            "Întrucât datoria restantă față de {{ company.name }} nu a fost achitată în pofida "
            "solicitărilor noastre, dosarul a fost transmis departamentului nostru juridic. "
            "Datoria cuprinde:",
            "Dacă datoria{% if penalty %} și penalitățile{% endif %} nu sunt achitate până la "
            "{{ reply_by }}, vă vom transmite o somație de plată și ne vom adresa instanței "
            "pentru recuperarea datoriei, a penalităților și a cheltuielilor de judecată. "
            "Plata la timp evită aceste costuri pentru ambele părți.",
        ),
    },
}


def default_wordings() -> list[dict[str, str]]:
    """Every shipped wording: kind, language, subject, body."""
    out = []
    for kind, languages in TEXTS.items():
        for language, (subject, intro, closing) in languages.items():
            out.append(
                {
                    "kind": kind,
                    "language": language,
                    "subject": subject,
                    "body": _body(language, intro, closing, with_total=kind != "friendly"),
                }
            )
    return out
