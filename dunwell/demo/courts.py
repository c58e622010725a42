"""Where the demo's lawyer sues a debtor: the commercial court of the debtor's city (its
country's capital's when the city is not listed here), with a case number written as that
country's courts write it. Approximate, for the demo: real courts' names, made-up numbers."""

from __future__ import annotations

# country -> city (as the demo writes it at the start of the debtor's address) -> (the court,
# its case number with {n}: a number, {year}, {yy}: the filing year). The first city is the
# country's capital.
COURTS: dict[str, dict[str, tuple[str, str]]] = {
    "RO": {
        "București": ("Tribunalul București, Secția a VI-a civilă", "{n}/3/{year}"),
        "Cluj-Napoca": ("Tribunalul Cluj, Secția a II-a civilă", "{n}/117/{year}"),
        "Iași": ("Tribunalul Iași, Secția a II-a civilă", "{n}/99/{year}"),
        "Timișoara": ("Tribunalul Timiș, Secția a II-a civilă", "{n}/30/{year}"),
        "Constanța": ("Tribunalul Constanța, Secția a II-a civilă", "{n}/118/{year}"),
        "Brașov": ("Tribunalul Brașov, Secția a II-a civilă", "{n}/62/{year}"),
    },
    "MD": {
        "Chișinău": ("Judecătoria Chișinău, sediul Centru", "2-{n}/{yy}"),
        "Bălți": ("Judecătoria Bălți", "2-{n}/{yy}"),
        "Cahul": ("Judecătoria Cahul", "2-{n}/{yy}"),
        "Orhei": ("Judecătoria Orhei", "2-{n}/{yy}"),
    },
    "RU": {
        "Москва": ("Арбитражный суд города Москвы", "А40-{n}/{year}"),
        "Санкт-Петербург": (
            "Арбитражный суд города Санкт-Петербурга и Ленинградской области",
            "А56-{n}/{year}",
        ),
        "Казань": ("Арбитражный суд Республики Татарстан", "А65-{n}/{year}"),
        "Самара": ("Арбитражный суд Самарской области", "А55-{n}/{year}"),
        "Екатеринбург": ("Арбитражный суд Свердловской области", "А60-{n}/{year}"),
        "Новосибирск": ("Арбитражный суд Новосибирской области", "А45-{n}/{year}"),
    },
    "UA": {
        "Київ": ("Господарський суд міста Києва", "910/{n}/{yy}"),
        "Львів": ("Господарський суд Львівської області", "914/{n}/{yy}"),
        "Одеса": ("Господарський суд Одеської області", "916/{n}/{yy}"),
        "Дніпро": ("Господарський суд Дніпропетровської області", "904/{n}/{yy}"),
        "Харків": ("Господарський суд Харківської області", "922/{n}/{yy}"),
    },
    "DE": {
        "Berlin": ("Landgericht Berlin II, Kammer für Handelssachen", "93 O {n}/{yy}"),
        "München": ("Landgericht München I, Kammer für Handelssachen", "12 HK O {n}/{yy}"),
        "Hamburg": ("Landgericht Hamburg, Kammer für Handelssachen", "412 HKO {n}/{yy}"),
        "Köln": ("Landgericht Köln, Kammer für Handelssachen", "91 O {n}/{yy}"),
        "Leipzig": ("Landgericht Leipzig, Kammer für Handelssachen", "4 HK O {n}/{yy}"),
    },
    "PL": {
        "Warszawa": ("Sąd Okręgowy w Warszawie, XVI Wydział Gospodarczy", "XVI GC {n}/{yy}"),
        "Kraków": ("Sąd Okręgowy w Krakowie, IX Wydział Gospodarczy", "IX GC {n}/{yy}"),
        "Poznań": ("Sąd Okręgowy w Poznaniu, IX Wydział Gospodarczy", "IX GC {n}/{yy}"),
        "Wrocław": ("Sąd Okręgowy we Wrocławiu, X Wydział Gospodarczy", "X GC {n}/{yy}"),
        "Gdańsk": ("Sąd Okręgowy w Gdańsku, IX Wydział Gospodarczy", "IX GC {n}/{yy}"),
    },
}
# A debtor of a country not listed is sued where the demo company sits (Bucharest).
HOME = "RO"


def court_for(country: str, address: str, n: int, year: int) -> tuple[str, str]:
    """(the court, the case number) for a lawsuit against a debtor of `country` whose address
    starts with its city ("Казань, 12"), filed in `year`; `n` numbers the file."""
    courts = COURTS.get(country) or COURTS[HOME]
    city = address.split(",", 1)[0].strip()
    court, number = courts.get(city) or next(iter(courts.values()))
    return court, number.format(n=n, year=year, yy=f"{year % 100:02d}")
