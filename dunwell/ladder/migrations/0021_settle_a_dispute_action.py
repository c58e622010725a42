# The review_dispute action is named "Settle a dispute": the settler has it from the moment
# the dispute is routed, not only once it is overdue.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ladder", "0020_pretension_approval_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="policystep",
            name="action",
            field=models.CharField(
                choices=[
                    ("call", "Call"),
                    ("email", "Email"),
                    ("letter", "Letter"),
                    ("meeting", "Meeting"),
                    ("notify_supervisor", "Notify supervisor"),
                    ("pretension", "Pretension (claim letter)"),
                    ("stop_shipments", "Stop shipments"),
                    ("hand_to_lawyer", "Hand to lawyer"),
                    ("court_filing", "Prepare court filing"),
                    ("collection_agency", "Hand to collection agency"),
                    ("director_decision", "Director decision"),
                    ("final_warning", "Final warning"),
                    ("review_dispute", "Settle a dispute"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="task",
            name="action",
            field=models.CharField(
                choices=[
                    ("call", "Call"),
                    ("email", "Email"),
                    ("letter", "Letter"),
                    ("meeting", "Meeting"),
                    ("notify_supervisor", "Notify supervisor"),
                    ("pretension", "Pretension (claim letter)"),
                    ("stop_shipments", "Stop shipments"),
                    ("hand_to_lawyer", "Hand to lawyer"),
                    ("court_filing", "Prepare court filing"),
                    ("collection_agency", "Hand to collection agency"),
                    ("director_decision", "Director decision"),
                    ("final_warning", "Final warning"),
                    ("review_dispute", "Settle a dispute"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
    ]
