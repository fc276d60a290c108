import json
import os
import subprocess
import sys

import pytest

PRINT_SETTINGS = """
import json
from django.conf import settings
import django
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "options": db.get("OPTIONS", {}),
    "debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS, "key": settings.SECRET_KEY,
    "email": settings.EMAIL_BACKEND, "email_host": settings.EMAIL_HOST,
    "secure_cookies": settings.SESSION_COOKIE_SECURE, "huey": settings.HUEY["huey_class"],
}))
"""


def run_settings(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LOYALDESK_", "DATABASE"))}
    clean.update(
        {
            "LOYALDESK_DATA_DIR": str(tmp_path / "data"),
            "DJANGO_SETTINGS_MODULE": "loyaldesk.settings",
        }
    )
    clean.pop("SECRET_KEY", None)
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_defaults_are_embedded_and_safe(tmp_path):
    config = run_settings(tmp_path)
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["name"] == str(tmp_path / "data" / "loyaldesk.sqlite3")
    assert "journal_mode=WAL" in config["options"]["init_command"]
    assert config["debug"] is False
    assert config["secure_cookies"] is True
    assert config["email"].endswith("filebased.EmailBackend")
    assert config["huey"] == "huey.SqliteHuey"


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = run_settings(tmp_path)["key"]
    second = run_settings(tmp_path)["key"]
    assert first == second
    assert len(first) >= 50
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (
        run_settings(tmp_path, SECRET_KEY="from-the-environment")["key"] == "from-the-environment"
    )


def test_environment_overrides(tmp_path):
    config = run_settings(
        tmp_path,
        DATABASE_URL="postgres://desk:pw@db.internal:5432/loyaldesk",
        ALLOWED_HOSTS="desk.example.com, support.example.com",
        LOYALDESK_DEBUG="1",
        EMAIL_HOST="smtp.example.com",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert config["engine"] == "django.db.backends.postgresql"
    assert config["name"] == "loyaldesk"
    assert config["hosts"] == ["desk.example.com", "support.example.com"]
    assert config["debug"] is True
    assert config["email"].endswith("smtp.EmailBackend")
    assert config["huey"] == "huey.RedisHuey"


def test_bad_integer_setting_is_a_clear_error(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as failure:
        run_settings(tmp_path, EMAIL_HOST="smtp.example.com", EMAIL_PORT="twenty-five")
    assert "EMAIL_PORT must be an integer" in failure.value.stderr


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOYALDESK_", "DATABASE"))}
    env.update(
        LOYALDESK_DATA_DIR=str(tmp_path / "data"),
        ALLOWED_HOSTS="desk.example.com",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "loyaldesk",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
