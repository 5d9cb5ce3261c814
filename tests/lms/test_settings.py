"""Production settings read their secrets from the environment and pass Django's deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3J9x!vQ2mZ8rT5wY1pL7nB4cF6hD0sG-aE9uI3oP2yR8tW5qX1zV7bN4mK6jH0"


def run_manage(*args, env_overrides):
    ignored = {
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "OPEN_BADGES_KEY_FILE",
        "CERTIFICATES_BASE_URL",
    }
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": STRONG_KEY,
            "ALLOWED_HOSTS": "training.example.org",
            "DATABASE_URL": "sqlite:////tmp/lms-deploy-check.sqlite3",
            "OPEN_BADGES_KEY_FILE": "/etc/lms/badge-signing-key.pem",
            "CERTIFICATES_BASE_URL": "https://training.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ALLOWED_HOSTS": "training.example.org"}, "Set the SECRET_KEY environment variable"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "x.org"}, "at least 50 random characters"),
        ({"SECRET_KEY": STRONG_KEY}, "Set ALLOWED_HOSTS"),
        ({"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "x.org"}, "Set the DATABASE_URL"),
        (
            {"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "x.org", "DATABASE_URL": "sqlite:///x"},
            "Set the OPEN_BADGES_KEY_FILE",
        ),
        (
            {
                "SECRET_KEY": STRONG_KEY,
                "ALLOWED_HOSTS": "x.org",
                "DATABASE_URL": "sqlite:///x",
                "OPEN_BADGES_KEY_FILE": "/k.pem",
            },
            "Set the CERTIFICATES_BASE_URL",
        ),
    ],
)
def test_production_refuses_to_start_without_its_secrets(overrides, message):
    result = run_manage(
        "check", env_overrides={"DJANGO_SETTINGS_MODULE": "lms.settings.production", **overrides}
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_database_url_switches_the_database():
    code = (
        "import django, os; os.environ['DATABASE_URL']='postgres://u:p@db.internal:5433/lms';"
        "from django.conf import settings; d=settings.DATABASES['default'];"
        "print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.dev"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.internal",
        "5433",
        "lms",
    ], result.stderr


def test_static_files_are_served_by_whitenoise(client):
    response = client.get("/static/lms/site.css")
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content)
