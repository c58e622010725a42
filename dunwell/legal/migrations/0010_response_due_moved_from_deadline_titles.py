import re

from django.db import migrations, models

# A deadline's title was stored in the language of whoever made it ("Срок ответа на претензию:
# ProdGrup SRL"); it is now stored in English and worded on display (legal/deadline_titles.py,
# ladder.models.stepless_title). The titles the app wrote, per kind: English, then the ru, uk
# and ro texts of the catalogues they were written from. A title that matches none (one a
# person typed) is left as it is.
TITLES = {
    "response": (
        "Pretension response due: %(debtor)s",
        "Срок ответа на претензию: %(debtor)s",
        "Строк відповіді на претензію: %(debtor)s",
        "Termen de răspuns la notificare: %(debtor)s",
    ),
    "hearing": (
        "Court hearing: %(debtor)s, case %(number)s",
        "Судебное заседание: %(debtor)s, дело %(number)s",
        "Судове засідання: %(debtor)s, справа %(number)s",
        "Termen de judecată: %(debtor)s, dosarul %(number)s",
    ),
}
BATCH = 2000


def _pattern(source):
    pieces = re.split(r"%\((\w+)\)s", source)
    return re.compile(
        "".join(
            re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.+)"
            for index, piece in enumerate(pieces)
        ),
        re.DOTALL,
    )


PATTERNS = {
    kind: [_pattern(source) for source in sources[1:]] for kind, sources in TITLES.items()
}


def _english(kind, title):
    for pattern in PATTERNS[kind]:
        found = pattern.fullmatch(title)
        if found is not None:
            return (TITLES[kind][0] % found.groupdict())[:255]
    return None


def to_english(apps, schema_editor):
    """The deadlines' titles (and their calendar tasks' while they still carry the same one)
    in English."""
    CaseDeadline = apps.get_model("legal", "CaseDeadline")
    Task = apps.get_model("ladder", "Task")
    rows = CaseDeadline.objects.filter(kind__in=list(TITLES)).only("id", "kind", "title", "task_id")
    deadlines, tasks = [], {}
    for row in rows.iterator(chunk_size=BATCH):
        english = _english(row.kind, row.title)
        if english is None or english == row.title:
            continue
        if row.task_id is not None:
            tasks[row.task_id] = (row.title[:255], english)
        row.title = english
        deadlines.append(row)
        if len(deadlines) >= BATCH:
            CaseDeadline.objects.bulk_update(deadlines, ["title"])
            deadlines = []
    CaseDeadline.objects.bulk_update(deadlines, ["title"])
    ids = list(tasks)
    for start in range(0, len(ids), BATCH):
        changed = []
        for task in Task.objects.filter(pk__in=ids[start : start + BATCH]).only("id", "title"):
            old, english = tasks[task.pk]
            if task.title == old:  # not retitled by hand since
                task.title = english
                changed.append(task)
        Task.objects.bulk_update(changed, ["title"])


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0009_case_document_ids"),
        ("ladder", "0017_approval_wording"),
    ]

    operations = [
        migrations.AddField(
            model_name="legalcase",
            name="response_due_moved_from",
            field=models.DateField(
                blank=True, null=True, verbose_name="response due by the calendar count"
            ),
        ),
        migrations.RunPython(to_english, migrations.RunPython.noop),
    ]
