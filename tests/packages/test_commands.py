"""``manage.py export_programme`` and ``import_programme``."""

import io

import pytest
from django.core.management import CommandError, call_command

from curriculum.models import ProgrammePage

from .normalise import normalised

pytestmark = pytest.mark.django_db


def test_export_then_import_from_the_command_line(linked_programme, tmp_path):
    path = tmp_path / "linked.zip"
    out = io.StringIO()
    call_command("export_programme", "linked-programme", "-o", str(path), stdout=out)
    assert path.exists()
    assert "Exported 'Linked programme' with 2 session plans" in out.getvalue()

    out = io.StringIO()
    call_command("import_programme", str(path), "--publish", "--slug", "linked-copy", stdout=out)
    copy = ProgrammePage.objects.get(slug="linked-copy")
    assert "Imported 'Linked programme' as published" in out.getvalue()
    assert normalised(copy) == normalised(linked_programme)


def test_check_only_imports_nothing(linked_programme, tmp_path):
    path = tmp_path / "linked.zip"
    call_command("export_programme", str(linked_programme.pk), "-o", str(path), verbosity=0)
    before = ProgrammePage.objects.count()
    out = io.StringIO()
    call_command("import_programme", str(path), "--check", stdout=out)
    assert "The package is fine" in out.getvalue()
    assert "new: 1 worksheets" in out.getvalue()
    assert ProgrammePage.objects.count() == before


def test_a_bad_package_stops_the_command_with_its_message(db, tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a zip file"):
        call_command("import_programme", str(path))


def test_an_unknown_programme_is_named(db):
    with pytest.raises(CommandError, match="no-such-programme"):
        call_command("export_programme", "no-such-programme")
