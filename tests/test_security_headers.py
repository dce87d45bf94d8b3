"""Content-Security-Policy and Permissions-Policy (docs/security.md "Headers"): with production settings
(DEBUG=0, in a process of their own, as tests/test_settings.py starts them), and no template that a
strict policy would break. The browser's side is tests/browser/test_content_security_policy.py."""

import base64
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

ANSWERS = """
import json
from django.test import Client

client = Client()
answers = {}
for path in ("/health/", "/accounts/sign-in/", "/api/docs/", "/api/docs/?script="):
    response = client.get(path, secure=True, HTTP_HOST="inicjatywa.example.org")
    answers[path] = {
        "status": response.status_code,
        "headers": dict(response.headers),
        "body": response.content.decode() if path != "/health/" else "",
    }
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def production_answers(tmp_path_factory) -> dict:
    """What a production configuration answers: static files collected as a deployment does (the
    manifest must hold the page's files), then a few pages asked for through the whole middleware."""
    var_dir = tmp_path_factory.mktemp("var")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        FIELD_ENCRYPTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        ALLOWED_HOSTS="inicjatywa.example.org",
        VAR_DIR=str(var_dir),
    )

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("collectstatic", "--noinput", "-v", "0")
    return json.loads(manage("shell", "-c", ANSWERS).strip().splitlines()[-1])


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_every_answer_carries_a_strict_policy_with_debug_off(production_answers):
    for path in ("/health/", "/accounts/sign-in/"):
        answer = production_answers[path]
        assert answer["status"] == 200, path
        policy = directives(answer["headers"]["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert "'unsafe-inline'" not in answer["headers"]["Content-Security-Policy"]
        assert "'unsafe-eval'" not in answer["headers"]["Content-Security-Policy"]

        features = dict(
            item.strip().split("=", 1) for item in answer["headers"]["Permissions-Policy"].split(",")
        )
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", feature
        # The headers Django's own settings give stay as they were.
        assert answer["headers"]["X-Frame-Options"] == "DENY"
        assert answer["headers"]["X-Content-Type-Options"] == "nosniff"
        assert answer["headers"]["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_sign_in_page_has_nothing_inline(production_answers):
    body = production_answers["/accounts/sign-in/"]["body"]
    assert_nothing_inline(body)
    assert re.search(r'<link rel="stylesheet" href="/static/css/site\.[0-9a-f]{12}\.css">', body)


def test_the_api_documentation_works_under_its_own_small_allowance(production_answers):
    page = production_answers["/api/docs/"]
    assert page["status"] == 200
    policy = directives(page["headers"]["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert sorted(policy["img-src"]) == sorted(["'self'", "data:"])  # Swagger UI's icons
    assert_nothing_inline(page["body"])
    # Its start-up script is a file of its own, from this origin, in a script element with a source.
    assert '<script src="/api/docs/?script="></script>' in page["body"]
    script = production_answers["/api/docs/?script="]
    assert script["status"] == 200 and script["headers"]["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script["body"]
    # The style the package puts inline is in a collected file.
    assert re.search(r'href="/static/css/api-docs\.[0-9a-f]{12}\.css"', page["body"])


def test_there_is_no_redoc_page_fetching_from_other_sites(client):
    assert client.get("/api/redoc/").status_code == 404


# -- templates --------------------------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def assert_nothing_inline(html: str) -> None:
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not INLINE_STYLE_ELEMENT.search(html)
    assert not STYLE_ATTRIBUTE.search(html), STYLE_ATTRIBUTE.search(html)
    assert not EVENT_HANDLER.search(html), EVENT_HANDLER.search(html)
    assert not JAVASCRIPT_URL.search(html)


def project_templates() -> list[Path]:
    found = []
    for directory in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if ".venv" in directory.parts or "var" in directory.relative_to(ROOT).parts:
            continue
        found += list(directory.rglob("*.html"))
    return sorted(found)


def test_templates_are_found():
    names = {str(path.relative_to(ROOT)) for path in project_templates()}
    assert "templates/base.html" in names and "initiative/templates/initiative/detail.html" in names


@pytest.mark.parametrize("template", project_templates(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_holds_what_the_policy_blocks(template):
    """Inline scripts, <style> elements, style attributes, on…= handlers and javascript: links: the policy
    blocks each of them, so a template with one would be broken in every browser."""
    assert_nothing_inline(template.read_text())
