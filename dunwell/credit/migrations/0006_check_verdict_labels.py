"""The credit check's verdicts read as states (allowed, denied), not as commands: labels only."""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0005_redundant_counterparty_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='creditcheck',
            name='decision',
            field=models.CharField(choices=[('allow', 'allowed'), ('needs_approval', 'needs approval'), ('deny', 'denied')], max_length=16, verbose_name='decision'),
        ),
    ]
