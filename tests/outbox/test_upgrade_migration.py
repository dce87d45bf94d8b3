"""The upgrade that retired the declarations' own outbox loses no e-mail: what was waiting in it (pending and
repeat declarations not mailed yet, "already signed" notices) is in the one outbox afterwards."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from outbox.delivery import emails_send
from outbox.models import Email

BEFORE = [("signatures", "0006_repeat_declarations_and_mailbox_cap")]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def latest() -> list:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_what_waited_in_the_old_outbox_is_in_the_new_one(collecting_initiative):
    Email.objects.all().delete()
    executor = migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        Signature, PendingNotice = (
            apps.get_model("signatures", name) for name in ("Signature", "PendingNotice")
        )
        person = {
            "initiative_id": collecting_initiative.pk,
            "method": "email",
            "first_names": "Jan",
            "last_name": "Kowalski",
            "address": "ul. Zwycięstwa 10/2, 44-100 Gliwice",
            "citizenship": "PL",
            "signed_on": datetime.date.today(),
        }
        waiting = Signature.objects.create(
            **person, status="pending", identity_hash="a" * 64, email="czeka@example.org"
        )
        Signature.objects.create(
            **person,
            status="pending",
            identity_hash="b" * 64,
            email="dostal@example.org",
            confirmation_sent_at=timezone.now(),
        )
        PendingNotice.objects.create(initiative_id=collecting_initiative.pk, email="podpisal@example.org")

        mail.outbox.clear()
        migrate(latest())  # commits: the e-mails handed over go out at once here (no broker)

        handed = {(email.kind, email.to) for email in Email.objects.all()}
        assert handed == {
            ("signatures/confirm", "czeka@example.org"),
            ("signatures/already_signed", "podpisal@example.org"),
        }
        reference = f"initiative:{collecting_initiative.pk}/supporters/signature:{waiting.pk}"
        assert Email.objects.get(kind="signatures/confirm").reference == reference
        emails_send()
        assert sorted(message.to[0] for message in mail.outbox) == [
            "czeka@example.org",
            "podpisal@example.org",
        ]
        assert "/signatures/confirm/" in next(m.body for m in mail.outbox if m.to == ["czeka@example.org"])
    finally:
        migrate(latest())
