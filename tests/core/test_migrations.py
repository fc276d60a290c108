from io import StringIO

from django.core.management import call_command


def test_models_and_migrations_agree(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_migrations_unapply_and_reapply(transactional_db):
    call_command("migrate", "desk", "0001", verbosity=0)
    call_command("migrate", verbosity=0)
