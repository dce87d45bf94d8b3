"""Tokens issued before tokens were hashed (DRF's authtoken table, with the tokens in plain text) become
hashed, expiring tokens; the plain table is then dropped, so no token stays readable in the database.

A moved token keeps working for one full lifetime from this migration (API_TOKEN_HOURS_CLERKS for clerks and
operators, API_TOKEN_DAYS for others): clients are not cut off by the upgrade, and every old token expires.
Going back cannot restore the plain tokens: clients then ask for new ones.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

PLAIN_TABLE = "authtoken_token"


def move_plain_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if PLAIN_TABLE not in connection.introspection.table_names():
        return  # a database made after the change never had one
    ApiToken = apps.get_model("accounts", "ApiToken")
    User = apps.get_model("accounts", "User")
    ClerkMembership = apps.get_model("accounts", "ClerkMembership")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id FROM {PLAIN_TABLE}")  # noqa: S608 (a constant)
        rows = cursor.fetchall()
    privileged = set(User.objects.filter(is_staff=True).values_list("pk", flat=True))
    privileged |= set(ClerkMembership.objects.values_list("user_id", flat=True))
    now = timezone.now()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created_at=now,
            expires_at=now
            + (
                timedelta(hours=settings.API_TOKEN_HOURS_CLERKS)
                if user_id in privileged
                else timedelta(days=settings.API_TOKEN_DAYS)
            ),
        )
        for key, user_id in rows
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PLAIN_TABLE}")
        # The app is gone from INSTALLED_APPS; its migration records go with its table, so that adding it
        # back one day would create the table again instead of believing it exists.
        cursor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_api_tokens_hashed"),
    ]

    operations = [
        migrations.RunPython(move_plain_tokens, migrations.RunPython.noop),
    ]
