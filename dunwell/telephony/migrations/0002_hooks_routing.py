"""Routing data (team queues, absences), and indexes on the contacts' phone numbers: routing and
`match_contact` look a caller up by number on every incoming call (p95 <= 50 ms), and the ledger
has no such index. They are created here, on the ledger's table, because this part may add
migrations only to the telephony app; IF NOT EXISTS keeps it harmless if the ledger adds them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('telephony', '0001_calls'),
        ('ledger', '0010_natural_key_partial_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='TeamQueue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=32, verbose_name='queue number')),
                ('name', models.CharField(blank=True, max_length=100, verbose_name='name')),
                ('supervisor', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='team_queue', to=settings.AUTH_USER_MODEL, verbose_name='supervisor')),
            ],
            options={
                'verbose_name': 'team queue',
                'verbose_name_plural': 'team queues',
            },
        ),
        migrations.CreateModel(
            name='Absence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_on', models.DateField(verbose_name='from')),
                ('ends_on', models.DateField(verbose_name='to')),
                ('note', models.CharField(blank=True, max_length=255, verbose_name='note')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='absences', to=settings.AUTH_USER_MODEL, verbose_name='collector')),
            ],
            options={
                'verbose_name': 'absence',
                'verbose_name_plural': 'absences',
                'ordering': ['-starts_on'],
                'indexes': [models.Index(fields=['user', 'ends_on'], name='telephony_a_user_id_0ef08e_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='absence_ends_after_start')],
            },
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS telephony_contact_phone ON ledger_contact (phone)",
            "DROP INDEX IF EXISTS telephony_contact_phone",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS telephony_contact_phone_alt ON ledger_contact (phone_alt)",
            "DROP INDEX IF EXISTS telephony_contact_phone_alt",
        ),
    ]
