"""The policies Dunwell ships with (DESIGN §1.3–1.4). Used by the data migration and by tests;
plain data, so companies can copy and edit them on the policy page."""

from __future__ import annotations

from typing import Any

_EVENTS_COMMON: list[dict[str, Any]] = [
    {
        "name": "Promise broken: call the decision-maker at once",
        "trigger": "event",
        "event": "promise_broken",
        "action": "call",
        "window": ("10:00", "12:00"),
        "instructions": "The promise was not kept. Call at once, ask for the person who decides "
        "payments and ask why; a repeated 'call me tomorrow' is stalling — escalate.",
    },
    {
        "name": "Dispute resolved: ask again for a payment date",
        "trigger": "event",
        "event": "dispute_resolved",
        "action": "call",
        "window": ("10:00", "12:00"),
        "instructions": "The claim is settled. Call and ask for a firm payment date.",
    },
    {
        "name": "Instalment missed: call about the repayment schedule",
        "trigger": "event",
        "event": "instalment_missed",
        "action": "call",
        "window": ("10:00", "12:00"),
        "instructions": "An instalment of the signed schedule was missed. Call the signatory.",
    },
    {
        "name": "Good relations ended: sincere final warning",
        "trigger": "event",
        "event": "good_relations_ended",
        "action": "final_warning",
        "assignee": "supervisor",
        "instructions": "The time allowed for good relations has run out. Send a sincere final "
        "warning, then hand the debt to the lawyers or a collection agency.",
    },
]


def _standard() -> list[dict[str, Any]]:
    return [
        {
            "name": "Payment missed: notify the manager and the supervisor",
            "days": 1,
            "action": "notify_supervisor",
            "assignee": "supervisor",
            "window": ("09:00", "10:00"),
            "instructions": "A payment was missed. The responsible manager has 10 days to "
            "resolve it by negotiation.",
        },
        {
            "name": "First friendly call",
            "days": 1,
            "action": "call",
            "window": ("10:00", "13:00"),
            "instructions": "Friendly reminder: were the goods received and accepted, is the "
            "invoice in the payment run? Ask for a payment date.",
        },
        {
            "name": "Second-level call to the person who decides payments",
            "days": 3,
            "action": "call",
            "window": ("10:00", "11:00"),
            "instructions": "Ask for the person who decides payments. Ask for a payment date "
            "and amount; record a promise.",
        },
        {
            "name": "Personal written reminder with a statement",
            "days": 7,
            "action": "letter",
            "window": ("09:00", "17:00"),
            "instructions": "Write personally to the decision-maker: the invoices, amounts, "
            "contract clauses and a statement of account.",
        },
        {
            "name": "Pretension (claim letter) with the contract's period",
            "days": 10,
            "action": "pretension",
            "assignee": "lawyer",
            "window": ("09:00", "18:00"),
            "instructions": "The negotiation window has ended. Send the pretension giving the "
            "contract's claim period (30 days by default), with the penalty calculation.",
        },
        {
            "name": "Stop shipments",
            "days": 10,
            "action": "stop_shipments",
            "assignee": "sales_manager",
            "window": ("09:00", "12:00"),
            "instructions": "Shipments to this debtor are stopped. Tell the warehouse and sales.",
        },
        {
            "name": "Pretension deadline passed: prepare the court filing",
            "trigger": "event",
            "event": "pretension_deadline_passed",
            "action": "court_filing",
            "assignee": "lawyer",
            "instructions": "The claim period has passed without payment: prepare the court "
            "filing.",
        },
        *_EVENTS_COMMON,
    ]


def _key() -> list[dict[str, Any]]:
    steps = [
        {
            "name": "Friendly call from the account manager",
            "days": 3,
            "action": "call",
            "assignee": "sales_manager",
            "window": ("10:00", "13:00"),
            "instructions": "A key customer: a courteous reminder from the person who knows "
            "them. Ask whether anything prevents payment.",
        },
        {
            "name": "Notify the supervisor",
            "days": 7,
            "action": "notify_supervisor",
            "assignee": "supervisor",
            "window": ("09:00", "10:00"),
        },
        {
            "name": "Call the person who decides payments",
            "days": 10,
            "action": "call",
            "window": ("10:00", "11:00"),
            "instructions": "Ask for the person who decides payments; agree a payment date.",
        },
        {
            "name": "Personal letter with a statement",
            "days": 15,
            "action": "letter",
            "window": ("09:00", "17:00"),
        },
        {
            "name": "Pretension (director's approval)",
            "days": 30,
            "action": "pretension",
            "assignee": "lawyer",
            "needs_approval": True,
            "approval_role": "director",
            "instructions": "Legal steps against a key customer need the director's approval.",
        },
        {
            "name": "Stop shipments (director's approval)",
            "days": 30,
            "action": "stop_shipments",
            "assignee": "sales_manager",
            "needs_approval": True,
            "approval_role": "director",
        },
        {
            "name": "Pretension deadline passed: court filing (director's approval)",
            "trigger": "event",
            "event": "pretension_deadline_passed",
            "action": "court_filing",
            "assignee": "lawyer",
            "needs_approval": True,
            "approval_role": "director",
        },
        *_EVENTS_COMMON,
    ]
    return steps


def _new() -> list[dict[str, Any]]:
    return [
        {
            "name": "Reminder before the due date",
            "days": -3,
            "action": "email",
            "window": ("09:00", "12:00"),
            "instructions": "A new customer: remind them politely of the coming due date.",
        },
        {
            "name": "Payment missed: notify the manager and the supervisor",
            "days": 1,
            "action": "notify_supervisor",
            "assignee": "supervisor",
            "window": ("09:00", "10:00"),
        },
        {
            "name": "Call the same day",
            "days": 1,
            "action": "call",
            "window": ("10:00", "12:00"),
            "instructions": "Ask for the person who decides payments and a payment date.",
        },
        {
            "name": "Second-level call",
            "days": 2,
            "action": "call",
            "window": ("10:00", "11:00"),
        },
        {
            "name": "Written reminder with a statement",
            "days": 4,
            "action": "letter",
            "window": ("09:00", "17:00"),
        },
        {
            "name": "Pretension (claim letter)",
            "days": 7,
            "action": "pretension",
            "assignee": "lawyer",
        },
        {
            "name": "Stop shipments",
            "days": 7,
            "action": "stop_shipments",
            "assignee": "sales_manager",
        },
        {
            "name": "Pretension deadline passed: prepare the court filing",
            "trigger": "event",
            "event": "pretension_deadline_passed",
            "action": "court_filing",
            "assignee": "lawyer",
        },
        *_EVENTS_COMMON,
    ]


DEFAULT_POLICIES: list[dict[str, Any]] = [
    {
        "code": "standard",
        "name": "Standard",
        "segment": "standard",
        "description": "The collection regulation: manager and supervisor notified on day +1, "
        "10 days of negotiation, then pretension and stopped shipments, then court.",
        "steps": _standard(),
    },
    {
        "code": "key",
        "name": "Key customer",
        "segment": "key",
        "description": "Privileged customers: management grants grace per counterparty; "
        "legal steps only with the director's approval.",
        "steps": _key(),
    },
    {
        "code": "new",
        "name": "New customer",
        "segment": "new",
        "description": "Stricter and earlier: a reminder before the due date, pretension on "
        "day +7.",
        "steps": _new(),
    },
]


def step_fields(order: int, spec: dict[str, Any]) -> dict[str, Any]:
    """PolicyStep field values for one spec (times as "HH:MM" strings are parsed by caller)."""
    window = spec.get("window")
    return {
        "order": order,
        "name": spec["name"],
        "trigger": spec.get("trigger", "due_offset"),
        "days": spec.get("days", 0),
        "event": spec.get("event", ""),
        "action": spec["action"],
        "window_start": window[0] if window else None,
        "window_end": window[1] if window else None,
        "assignee_role": spec.get("assignee", "collector"),
        "needs_approval": spec.get("needs_approval", False),
        "approval_role": spec.get("approval_role", ""),
        "scope": spec.get("scope", "counterparty"),
        "instructions": spec.get("instructions", ""),
    }


# The shipped names in the other UI languages (English is the `name`). Managers edit them per
# language on the policy page; the data migration fills rows still carrying the shipped name.
TRANSLATIONS: dict[str, dict[str, str]] = {
    # segments
    "Key customer": {"ru": "Ключевой клиент", "uk": "Ключовий клієнт", "ro": "Client cheie"},
    "Standard": {"ru": "Стандартный", "uk": "Стандартний", "ro": "Standard"},
    "New customer": {"ru": "Новый клиент", "uk": "Новий клієнт", "ro": "Client nou"},
    # policy descriptions
    "The collection regulation: manager and supervisor notified on day +1, 10 days of "
    "negotiation, then pretension and stopped shipments, then court.": {
        "ru": "Регламент взыскания: на 1-й день уведомляются менеджер и руководитель, 10 дней "
        "на переговоры, затем претензия и остановка отгрузок, затем суд.",
        "uk": "Регламент стягнення: на 1-й день повідомляються менеджер і керівник, 10 днів "
        "на переговори, потім претензія та зупинка відвантажень, потім суд.",
        "ro": "Regulamentul de recuperare: în ziua +1 sunt anunțați managerul și supervizorul, "
        "10 zile de negocieri, apoi notificarea de plată și oprirea livrărilor, apoi instanța.",
    },
    "Privileged customers: management grants grace per counterparty; legal steps only with "
    "the director's approval.": {
        "ru": "Привилегированные клиенты: руководство даёт отсрочку каждому контрагенту; "
        "юридические шаги утверждает директор.",
        "uk": "Привілейовані клієнти: керівництво надає відстрочку кожному контрагенту; "
        "юридичні кроки затверджує директор.",
        "ro": "Clienți privilegiați: conducerea acordă păsuire fiecărui partener; pașii "
        "juridici numai cu aprobarea directorului.",
    },
    "Stricter and earlier: a reminder before the due date, pretension on day +7.": {
        "ru": "Строже и раньше: напоминание до срока оплаты, претензия на 7-й день.",
        "uk": "Суворіше й раніше: нагадування до строку оплати, претензія на 7-й день.",
        "ro": "Mai strict și mai devreme: un memento înainte de scadență, notificarea de plată "
        "în ziua +7.",
    },
    # steps
    "Payment missed: notify the manager and the supervisor": {
        "ru": "Платёж пропущен: уведомить менеджера и руководителя",
        "uk": "Платіж пропущено: повідомити менеджера і керівника",
        "ro": "Plată ratată: anunțați managerul și supervizorul",
    },
    "First friendly call": {
        "ru": "Первый дружеский звонок",
        "uk": "Перший дружній дзвінок",
        "ro": "Primul apel amical",
    },
    "Second-level call to the person who decides payments": {
        "ru": "Звонок второго уровня лицу, принимающему решения об оплате",
        "uk": "Дзвінок другого рівня особі, яка ухвалює рішення про оплату",
        "ro": "Apel de nivelul doi către persoana care decide plățile",
    },
    "Personal written reminder with a statement": {
        "ru": "Личное письменное напоминание с выпиской",
        "uk": "Особисте письмове нагадування з випискою",
        "ro": "Memento scris personal cu extras de cont",
    },
    "Pretension (claim letter) with the contract's period": {
        "ru": "Претензия со сроком по договору",
        "uk": "Претензія зі строком за договором",
        "ro": "Notificare de plată cu termenul din contract",
    },
    "Stop shipments": {
        "ru": "Остановить отгрузки",
        "uk": "Зупинити відвантаження",
        "ro": "Oprirea livrărilor",
    },
    "Pretension deadline passed: prepare the court filing": {
        "ru": "Срок претензии истёк: подготовить иск в суд",
        "uk": "Строк претензії сплив: підготувати позов до суду",
        "ro": "Termenul de răspuns la notificare a expirat: pregătiți cererea de chemare în "
        "judecată",
    },
    "Promise broken: call the decision-maker at once": {
        "ru": "Обещание нарушено: сразу позвонить лицу, принимающему решения",
        "uk": "Обіцянку порушено: одразу зателефонувати особі, яка ухвалює рішення",
        "ro": "Promisiune încălcată: sunați imediat persoana care decide",
    },
    "Dispute resolved: ask again for a payment date": {
        "ru": "Спор урегулирован: снова спросить дату оплаты",
        "uk": "Спір урегульовано: знову запитати дату оплати",
        "ro": "Litigiu rezolvat: cereți din nou o dată de plată",
    },
    "Instalment missed: call about the repayment schedule": {
        "ru": "Платёж по графику пропущен: позвонить о графике погашения",
        "uk": "Платіж за графіком пропущено: зателефонувати щодо графіка погашення",
        "ro": "Rată ratată: sunați despre graficul de rambursare",
    },
    "Good relations ended: sincere final warning": {
        "ru": "Время добрых отношений истекло: искреннее последнее предупреждение",
        "uk": "Час добрих стосунків сплив: щире останнє попередження",
        "ro": "Relațiile bune s-au încheiat: ultim avertisment sincer",
    },
    "Friendly call from the account manager": {
        "ru": "Дружеский звонок от менеджера клиента",
        "uk": "Дружній дзвінок від менеджера клієнта",
        "ro": "Apel amical de la managerul de cont",
    },
    "Notify the supervisor": {
        "ru": "Уведомить руководителя",
        "uk": "Повідомити керівника",
        "ro": "Anunțați supervizorul",
    },
    "Call the person who decides payments": {
        "ru": "Позвонить лицу, принимающему решения об оплате",
        "uk": "Зателефонувати особі, яка ухвалює рішення про оплату",
        "ro": "Sunați persoana care decide plățile",
    },
    "Personal letter with a statement": {
        "ru": "Личное письмо с выпиской",
        "uk": "Особистий лист із випискою",
        "ro": "Scrisoare personală cu extras de cont",
    },
    "Pretension (director's approval)": {
        "ru": "Претензия (утверждает директор)",
        "uk": "Претензія (затверджує директор)",
        "ro": "Notificare de plată (aprobarea directorului)",
    },
    "Stop shipments (director's approval)": {
        "ru": "Остановить отгрузки (утверждает директор)",
        "uk": "Зупинити відвантаження (затверджує директор)",
        "ro": "Oprirea livrărilor (aprobarea directorului)",
    },
    "Pretension deadline passed: court filing (director's approval)": {
        "ru": "Срок претензии истёк: иск в суд (утверждает директор)",
        "uk": "Строк претензії сплив: позов до суду (затверджує директор)",
        "ro": "Termenul de răspuns la notificare a expirat: acțiune în instanță (aprobarea "
        "directorului)",
    },
    "Reminder before the due date": {
        "ru": "Напоминание до срока оплаты",
        "uk": "Нагадування до строку оплати",
        "ro": "Memento înainte de scadență",
    },
    "Call the same day": {
        "ru": "Позвонить в тот же день",
        "uk": "Зателефонувати того ж дня",
        "ro": "Sunați în aceeași zi",
    },
    "Second-level call": {
        "ru": "Звонок второго уровня",
        "uk": "Дзвінок другого рівня",
        "ro": "Apel de nivelul doi",
    },
    "Written reminder with a statement": {
        "ru": "Письменное напоминание с выпиской",
        "uk": "Письмове нагадування з випискою",
        "ro": "Memento scris cu extras de cont",
    },
    "Pretension (claim letter)": {
        "ru": "Претензия",
        "uk": "Претензія",
        "ro": "Notificare de plată",
    },
}


def translations_of(english: str) -> dict[str, str]:
    """The shipped translations of one English name (empty for a company's own text)."""
    return dict(TRANSLATIONS.get(english, {}))


# The shipped steps' instructions in the other UI languages.
TRANSLATIONS.update(
    {
        "A payment was missed. The responsible manager has 10 days to resolve it by negotiation.": {
            "ru": "Платёж пропущен. У ответственного менеджера 10 дней, чтобы решить вопрос "
            "переговорами.",
            "uk": "Платіж пропущено. Відповідальний менеджер має 10 днів, щоб вирішити питання "
            "переговорами.",
            "ro": "O plată a fost ratată. Managerul responsabil are 10 zile pentru a o rezolva "
            "prin negociere.",
        },
        "Friendly reminder: were the goods received and accepted, is the invoice in the "
        "payment run? Ask for a payment date.": {
            "ru": "Дружеское напоминание: получен и принят ли товар, включён ли счёт в реестр "
            "платежей? Спросите дату оплаты.",
            "uk": "Дружнє нагадування: чи отримано й прийнято товар, чи включено рахунок до "
            "реєстру платежів? Запитайте дату оплати.",
            "ro": "Memento amical: au fost primite și acceptate mărfurile, este factura în lista "
            "de plăți? Cereți o dată de plată.",
        },
        "Ask for the person who decides payments. Ask for a payment date and amount; record a "
        "promise.": {
            "ru": "Попросите лицо, принимающее решения об оплате. Спросите дату и сумму оплаты; "
            "зафиксируйте обещание.",
            "uk": "Попросіть особу, яка ухвалює рішення про оплату. Запитайте дату й суму "
            "оплати; зафіксуйте обіцянку.",
            "ro": "Cereți persoana care decide plățile. Cereți data și suma plății; înregistrați "
            "o promisiune.",
        },
        "Write personally to the decision-maker: the invoices, amounts, contract clauses and a "
        "statement of account.": {
            "ru": "Напишите лично лицу, принимающему решения: счета, суммы, условия договора и "
            "выписка по счёту.",
            "uk": "Напишіть особисто особі, яка ухвалює рішення: рахунки, суми, умови договору "
            "та виписка по рахунку.",
            "ro": "Scrieți personal persoanei care decide: facturile, sumele, clauzele "
            "contractului și un extras de cont.",
        },
        "The negotiation window has ended. Send the pretension giving the contract's claim "
        "period (30 days by default), with the penalty calculation.": {
            "ru": "Срок переговоров истёк. Направьте претензию со сроком по договору (по "
            "умолчанию 30 дней) и расчётом неустойки.",
            "uk": "Строк переговорів сплив. Надішліть претензію зі строком за договором (за "
            "замовчуванням 30 днів) і розрахунком неустойки.",
            "ro": "Perioada de negociere s-a încheiat. Trimiteți notificarea de plată cu termenul "
            "din contract (implicit 30 de zile) și calculul penalităților.",
        },
        "Shipments to this debtor are stopped. Tell the warehouse and sales.": {
            "ru": "Отгрузки этому должнику остановлены. Сообщите складу и отделу продаж.",
            "uk": "Відвантаження цьому боржнику зупинено. Повідомте склад і відділ продажів.",
            "ro": "Livrările către acest debitor sunt oprite. Anunțați depozitul și vânzările.",
        },
        "The claim period has passed without payment: prepare the court filing.": {
            "ru": "Срок претензии истёк без оплаты: подготовьте исковое заявление.",
            "uk": "Строк претензії сплив без оплати: підготуйте позовну заяву.",
            "ro": "Termenul de răspuns la notificare a trecut fără plată: pregătiți cererea de "
            "chemare în judecată.",
        },
        "The promise was not kept. Call at once, ask for the person who decides payments and "
        "ask why; a repeated 'call me tomorrow' is stalling — escalate.": {
            "ru": "Обещание не выполнено. Позвоните сразу, попросите лицо, принимающее решения "
            "об оплате, и спросите почему; повторное «позвоните завтра» — это затягивание, "
            "эскалируйте.",
            "uk": "Обіцянку не виконано. Зателефонуйте одразу, попросіть особу, яка ухвалює "
            "рішення про оплату, і запитайте чому; повторне «зателефонуйте завтра» — це "
            "затягування, ескалуйте.",
            "ro": "Promisiunea nu a fost respectată. Sunați imediat, cereți persoana care decide "
            "plățile și întrebați de ce; un „sunați-mă mâine” repetat este tergiversare — "
            "escaladați.",
        },
        "The claim is settled. Call and ask for a firm payment date.": {
            # "Closed": the step follows a rejected claim too; "претензия" is the pretension.
            "ru": "Спор закрыт. Позвоните и спросите твёрдую дату оплаты.",
            "uk": "Спір закрито. Зателефонуйте й запитайте тверду дату оплати.",
            "ro": "Reclamația este rezolvată. Sunați și cereți o dată fermă de plată.",
        },
        "An instalment of the signed schedule was missed. Call the signatory.": {
            "ru": "Пропущен платёж по подписанному графику. Позвоните подписанту.",
            "uk": "Пропущено платіж за підписаним графіком. Зателефонуйте підписанту.",
            "ro": "O rată din graficul semnat a fost ratată. Sunați semnatarul.",
        },
        "The time allowed for good relations has run out. Send a sincere final warning, then "
        "hand the debt to the lawyers or a collection agency.": {
            "ru": "Время, отведённое на добрые отношения, истекло. Направьте искреннее последнее "
            "предупреждение, затем передайте долг юристам или коллекторскому агентству.",
            "uk": "Час, відведений на добрі стосунки, сплив. Надішліть щире останнє "
            "попередження, потім передайте борг юристам або колекторському агентству.",
            "ro": "Timpul acordat relațiilor bune s-a încheiat. Trimiteți un ultim avertisment "
            "sincer, apoi predați datoria avocaților sau unei agenții de colectare.",
        },
        "A key customer: a courteous reminder from the person who knows them. Ask whether "
        "anything prevents payment.": {
            "ru": "Ключевой клиент: вежливое напоминание от того, кто его знает. Спросите, не "
            "мешает ли что-то оплате.",
            "uk": "Ключовий клієнт: ввічливе нагадування від того, хто його знає. Запитайте, чи "
            "ніщо не заважає оплаті.",
            "ro": "Un client cheie: un memento politicos de la persoana care îl cunoaște. "
            "Întrebați dacă ceva împiedică plata.",
        },
        "Ask for the person who decides payments; agree a payment date.": {
            "ru": "Попросите лицо, принимающее решения об оплате; согласуйте дату оплаты.",
            "uk": "Попросіть особу, яка ухвалює рішення про оплату; погодьте дату оплати.",
            "ro": "Cereți persoana care decide plățile; stabiliți o dată de plată.",
        },
        "Legal steps against a key customer need the director's approval.": {
            "ru": "Юридические шаги против ключевого клиента утверждает директор.",
            "uk": "Юридичні кроки проти ключового клієнта затверджує директор.",
            "ro": "Pașii juridici împotriva unui client cheie necesită aprobarea directorului.",
        },
        "A new customer: remind them politely of the coming due date.": {
            "ru": "Новый клиент: вежливо напомните о приближающемся сроке оплаты.",
            "uk": "Новий клієнт: ввічливо нагадайте про наближення строку оплати.",
            "ro": "Un client nou: amintiți-i politicos de scadența care se apropie.",
        },
        "Ask for the person who decides payments and a payment date.": {
            "ru": "Попросите лицо, принимающее решения об оплате, и спросите дату оплаты.",
            "uk": "Попросіть особу, яка ухвалює рішення про оплату, і запитайте дату оплати.",
            "ro": "Cereți persoana care decide plățile și o dată de plată.",
        },
    }
)
