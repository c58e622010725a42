"""Legal cases and their steps: who opened a case and who recorded a step are indexed only
when set, and the case's single-column index by counterparty goes (issue 15).

The first daily run at 1M documents opens 57,500 cases and records as many steps, none with a
user: each put an empty entry into both indexes. The (counterparty, stage) index serves the
lookups by counterparty. The foreign keys stay as they are (no re-validation of a large
table), and the partial unique index on the counterparty (one open case) is not touched: only
the named indexes change."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from dunwell.dbindex import drop_redundant_index as _drop


def _user(**extra):
    return models.ForeignKey(
        blank=True,
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.SET_NULL,
        related_name="+",
        to=settings.AUTH_USER_MODEL,
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0006_case_documents_unread_document_index"),
        ("ledger", "0023_timeline_actor_indexed_when_set"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _drop("legal_casestep", "legal_casestep_actor_id_da299a4f", "actor_id"),
                _drop(
                    "legal_legalcase", "legal_legalcase_counterparty_id_3a9b290d", "counterparty_id"
                ),
                _drop("legal_legalcase", "legal_legalcase_opened_by_id_c23c8077", "opened_by_id"),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="casestep", name="actor", field=_user(verbose_name="who")
                ),
                migrations.AlterField(
                    model_name="legalcase",
                    name="counterparty",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="legal_cases",
                        to="ledger.counterparty",
                        verbose_name="counterparty",
                    ),
                ),
                migrations.AlterField(model_name="legalcase", name="opened_by", field=_user()),
            ],
        ),
        migrations.AddIndex(
            model_name="casestep",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)),
                fields=["actor"],
                name="legal_casestep_actor",
            ),
        ),
        migrations.AddIndex(
            model_name="legalcase",
            index=models.Index(
                condition=models.Q(("opened_by__isnull", False)),
                fields=["opened_by"],
                name="legal_case_opened_by",
            ),
        ),
    ]
