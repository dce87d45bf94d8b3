"""Run by test_shared_limits.py as a second process, a second web worker as far as the limits can tell: calls
POST /api/v1/auth/token/ from one client address and prints the answers' status codes as JSON.

Usage: python -m tests.accounts.token_calls EMAIL PASSWORD ADDRESS COUNT (DATABASE_URL, CACHE_URL as set).
"""

import json
import os
import sys

import django


def main() -> None:
    email, password, address, count = sys.argv[1:5]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.test import Client

    # The accounts tests store passwords with Django's quick test hasher; the limits are what is compared.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client = Client(REMOTE_ADDR=address)
    body = json.dumps({"email": email, "password": password})
    codes = [
        client.post("/api/v1/auth/token/", body, content_type="application/json").status_code
        for _ in range(int(count))
    ]
    print(json.dumps(codes))


if __name__ == "__main__":
    main()
