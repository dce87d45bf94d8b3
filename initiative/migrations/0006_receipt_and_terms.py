"""The office's receipt starts the council's term (art. 41a ust. 3 u.s.g.): the day of receipt, the office's
verification term, and reminders of several kinds (docs/law.md §Deadlines).

A filing already on record keeps the deadline it was given at filing: for it the day of filing stands as
the day of receipt, which is what the platform assumed then.
"""

from django.db import migrations, models
from django.utils import timezone


def filing_day_as_receipt(apps, schema_editor):
    Initiative = apps.get_model("initiative", "Initiative")
    for initiative in Initiative.objects.filter(consideration_deadline__isnull=False, received_on__isnull=True):
        initiative.received_on = timezone.localtime(initiative.submitted_at).date()
        initiative.save(update_fields=["received_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("initiative", "0005_drop_threshold_reached_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="statuschange",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "created"),
                    ("open", "opened for signatures"),
                    ("withdraw", "withdrawn"),
                    ("expire", "expired"),
                    ("submit", "filed"),
                    ("receive", "received by the council office"),
                    ("start_verification", "verification started"),
                    ("request_supplement", "supplement requested"),
                    ("accept", "accepted"),
                    ("reject", "rejected"),
                    ("record_outcome", "outcome recorded"),
                ],
                max_length=24,
            ),
        ),
        migrations.AddField(
            model_name="initiative",
            name="received_on",
            field=models.DateField(blank=True, null=True, verbose_name="received by the council office on"),
        ),
        migrations.AddField(
            model_name="initiative",
            name="verification_deadline",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(filing_day_as_receipt, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="deadlinereminder", name="deadline_reminder_once"),
        migrations.AddField(
            model_name="deadlinereminder",
            name="kind",
            field=models.CharField(
                choices=[
                    ("consideration", "the council's term"),
                    ("verification", "the verification term"),
                    ("receipt", "the day of receipt"),
                ],
                default="consideration",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="deadlinereminder",
            constraint=models.UniqueConstraint(
                fields=("initiative", "kind", "deadline", "days_before"), name="deadline_reminder_once"
            ),
        ),
    ]
