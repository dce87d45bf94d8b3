"""API tokens: stored as a SHA-256 only, expiring (a working day for clerks and operators), revocable with
POST /api/v1/auth/token/revoke/, and all gone after a new password or turning on two-step sign-in."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from accounts.api_tokens import TOKENS_PER_USER, api_token_issue, token_digest
from accounts.models import ApiToken
from tests.accounts.conftest import PASSWORD, device_code

TOKEN = "/api/v1/auth/token/"
REVOKE = "/api/v1/auth/token/revoke/"


def obtain(api_client, user, **extra) -> str:
    response = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def call_with(api_client, token: str, path: str = "/api/v1/clerk/initiatives/"):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api_client.get(path)


def test_only_a_digest_is_stored(api_client, resident):
    token = obtain(api_client, resident)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert not any(token in str(value) for value in rows[0])
    assert token_digest(token) in rows[0]
    assert len(token) >= 40  # 32 random bytes


def test_a_token_expires_after_thirty_days_for_a_resident(api_client, resident):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = obtain(api_client, resident)
        clock.shift(timedelta(days=29, hours=23))
        assert call_with(api_client, token, "/api/v1/initiatives/").status_code == 200

        clock.shift(timedelta(hours=2))
        expired = call_with(api_client, token, "/api/v1/initiatives/")

    assert expired.status_code == 401
    assert "wygasł" in expired.json()["detail"]


def test_a_clerks_token_lasts_a_working_day(api_client, clerk):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = obtain(api_client, clerk, otp=device_code(clerk))
        clock.shift(timedelta(hours=11, minutes=59))
        assert call_with(api_client, token).status_code == 200

        clock.shift(timedelta(minutes=2))
        assert call_with(api_client, token).status_code == 401


def test_revoking_the_token_in_use(api_client, clerk):
    token = obtain(api_client, clerk, otp=device_code(clerk))
    other = obtain(api_client, clerk, otp=device_code(clerk, steps_ahead=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    revoked = api_client.post(REVOKE, {}, format="json")

    assert revoked.status_code == 200
    assert revoked.json() == {"revoked": 1}
    assert call_with(api_client, token).status_code == 401
    assert call_with(api_client, other).status_code == 200  # the other program keeps its own


def test_revoking_every_token(api_client, resident):
    tokens = [obtain(api_client, resident) for _ in range(3)]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")

    revoked = api_client.post(REVOKE, {"all": True}, format="json")

    assert revoked.json() == {"revoked": 3}
    assert all(call_with(api_client, token, "/api/v1/initiatives/").status_code == 401 for token in tokens)


def test_revoking_needs_credentials(api_client, db):
    assert api_client.post(REVOKE, {}, format="json").status_code == 401


def test_revoking_with_a_revoked_token_is_refused(api_client, resident):
    token = obtain(api_client, resident)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    api_client.post(REVOKE, {}, format="json")

    again = api_client.post(REVOKE, {}, format="json")

    assert again.status_code == 401


def test_a_browser_session_revokes_all_only_when_asked(resident, client):
    api_token_issue(user=resident)
    client.force_login(resident)

    without = client.post(REVOKE, {}, content_type="application/json")
    with_all = client.post(REVOKE, {"all": True}, content_type="application/json")

    assert without.status_code == 400
    assert list(without.json()) == ["all"]
    assert with_all.json() == {"revoked": 1}


def test_a_made_up_token_is_refused_with_a_clear_message(api_client, db):
    response = call_with(api_client, "x" * 43, "/api/v1/initiatives/")

    assert response.status_code == 401
    assert "POST /api/v1/auth/token/" in response.json()["detail"]


def test_old_tokens_beyond_the_cap_are_deleted(resident):
    for _ in range(TOKENS_PER_USER + 5):
        api_token_issue(user=resident)

    assert ApiToken.objects.filter(user=resident).count() == TOKENS_PER_USER


def test_an_inactive_persons_token_is_refused(api_client, resident):
    token = obtain(api_client, resident)
    resident.is_active = False
    resident.save()

    assert call_with(api_client, token, "/api/v1/initiatives/").status_code == 401


@pytest.mark.django_db
def test_tokens_of_the_plain_table_are_moved_hashed_and_the_table_dropped(resident, clerk):
    """The migration of tokens issued before (DRF's authtoken table, tokens in plain text)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0003_api_tokens_from_plain_keys")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz NOT NULL, "
            "user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, now(), %s), (%s, now(), %s)",
            ["a" * 40, resident.pk, "b" * 40, clerk.pk],
        )
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('authtoken', '1', now())")

    with connection.schema_editor() as editor:
        migration.move_plain_tokens(apps, editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone() == (0,)
    resident_token = ApiToken.objects.get(digest=token_digest("a" * 40))
    clerk_token = ApiToken.objects.get(digest=token_digest("b" * 40))
    assert resident_token.user == resident
    assert resident_token.expires_at - resident_token.created_at == timedelta(days=30)
    assert clerk_token.expires_at - clerk_token.created_at == timedelta(hours=12)
