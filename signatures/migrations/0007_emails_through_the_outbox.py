"""Supporters' e-mails go through the one outbox (outbox/): the declarations' own confirmation outbox
(`confirmation_sent_at`) and the "already signed" notices waiting in `PendingNotice` are retired.

What was still waiting when this runs is handed to the outbox first, so that the upgrade loses no e-mail.
That step uses the e-mails of this release (signatures.emails), and only when something waits: on a new
database, or once it has run, it imports nothing.
"""

from django.db import migrations


def hand_waiting_emails_to_the_outbox(apps, schema_editor):
    Signature = apps.get_model("signatures", "Signature")
    PendingNotice = apps.get_model("signatures", "PendingNotice")
    waiting = list(
        Signature.objects.filter(
            status__in=["pending", "repeated"], confirmation_sent_at__isnull=True, confirmed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    notices = list(PendingNotice.objects.all())
    if not waiting and not notices:
        return
    from signatures import emails
    from signatures.models import Signature as Current

    for signature in Current.objects.filter(pk__in=waiting).only("pk", "initiative_id", "email"):
        emails.send_confirmation(signature)
    for notice in notices:
        emails.send_already_signed(initiative_id=notice.initiative_id, email=notice.email)


class Migration(migrations.Migration):
    dependencies = [
        ("signatures", "0006_repeat_declarations_and_mailbox_cap"),
        ("outbox", "0001_outbox_emails"),
    ]

    operations = [
        migrations.RunPython(hand_waiting_emails_to_the_outbox, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="pendingnotice",
            name="initiative",
        ),
        migrations.RemoveIndex(
            model_name="signature",
            name="signature_confirmation_due",
        ),
        migrations.RemoveField(
            model_name="signature",
            name="confirmation_sent_at",
        ),
        migrations.DeleteModel(
            name="PendingNotice",
        ),
    ]
