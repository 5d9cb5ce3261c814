"""Bad packages get a clear message, and nothing of them is imported: no row, no file."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from wagtail.images import get_image_model
from wagtail.models import Page

from assessments.models import H5PActivity
from curriculum.models import CaseScenario, SessionPlanPage
from packages import format as package_format
from packages.exporting import programme_export
from packages.format import PackageError
from packages.importing import package_import
from worksheets.models import Worksheet

pytestmark = pytest.mark.django_db


def repack(data, *, change=None, drop=(), add=None, manifest=None, fix_checksums=True):
    """A copy of the package ``data`` with members changed (``change``: {name: function of
    the bytes}), dropped or added, and the manifest's checksums recomputed unless asked not
    to, so that each test damages exactly one thing."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    listed = json.loads(members.pop("manifest.json"))
    for name, function in (change or {}).items():
        members[name] = function(members[name])
    for name in drop:
        members.pop(name)
    members.update(add or {})
    if fix_checksums:
        listed["members"] = {
            name: {"sha256": package_format.sha256(payload), "size": len(payload)}
            for name, payload in members.items()
        }
    if manifest:
        manifest(listed)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(listed))
        for name, payload in members.items():
            archive.writestr(name, payload)
    return buffer.getvalue()


def edit_json(function):
    def change(payload):
        data = json.loads(payload)
        function(data)
        return json.dumps(data).encode()

    return change


def snapshot():
    """What an import would add: rows and files."""
    media = Path(settings.MEDIA_ROOT)
    # H5P packages and their unpacked folders are kept under PRIVATE_MEDIA_ROOT.
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    return {
        "pages": Page.objects.count(),
        "worksheets": Worksheet.objects.count(),
        "scenarios": CaseScenario.objects.count(),
        "h5p": H5PActivity.objects.count(),
        "images": get_image_model().objects.count(),
        "files": sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()),
        "private files": sorted(
            str(p.relative_to(private)) for p in private.rglob("*") if p.is_file()
        ),
    }


@pytest.fixture
def package(linked_programme):
    return programme_export(programme=linked_programme).data


def refused(data, code, *fragments, **options):
    before = snapshot()
    with pytest.raises(PackageError) as caught:
        package_import(source=data, publish=True, **options)
    assert caught.value.code == code, str(caught.value)
    for fragment in fragments:
        assert fragment in str(caught.value)
    assert snapshot() == before, "something of a refused package was left behind"
    return str(caught.value)


def test_a_package_from_a_newer_format_version_is_refused(package):
    newer = repack(package, manifest=lambda m: m.update(format_version=99))
    message = refused(newer, "newer_format", "newer version", "format 99", "Nothing was imported")
    assert f"up to format {package_format.FORMAT_VERSION}" in message


def test_a_file_that_is_not_a_zip_is_refused(db):
    refused(b"%PDF-1.4 not a zip at all", "not_zip", "not a zip file")


def test_an_empty_file_is_refused(db):
    refused(b"", "empty", "empty")


def test_a_zip_without_a_manifest_is_refused(package):
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        members = {n: archive.read(n) for n in archive.namelist() if n != "manifest.json"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    refused(buffer.getvalue(), "no_manifest", "manifest.json")


def test_a_zip_of_another_format_is_refused(package):
    other = repack(package, manifest=lambda m: m.update(format="someone-else/course"))
    refused(other, "not_a_package", "not a curriculum package")


def test_bad_json_is_refused(package):
    broken = repack(package, change={"library.json": lambda payload: payload[:-20]})
    refused(broken, "bad_json", "library.json", "not valid JSON")


def test_a_checksum_mismatch_is_refused(package):
    changed = repack(
        package,
        change={"programme.json": lambda p: p.replace(b"Meeting Sam", b"Meeting Bob")},
        fix_checksums=False,
    )
    refused(changed, "checksum", "programme.json", "checksum")


def test_a_missing_member_is_refused(package):
    incomplete = repack(package, fix_checksums=False, drop=["library.json"])
    refused(incomplete, "missing_member", "library.json", "incomplete")


def test_a_member_the_manifest_does_not_list_is_refused(package):
    extra = repack(package, fix_checksums=False, add={"files/notes.txt": b"hello"})
    refused(extra, "unlisted_member", "files/notes.txt")


def test_a_zip_bomb_is_refused(package):
    bomb = repack(package, add={"files/wagtailimages.image/99.png": b"\0" * (5 * 1024 * 1024)})
    refused(bomb, "zip_bomb", "zip bomb")


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/passwd", "files/../../x.json"])
def test_a_name_pointing_outside_the_package_is_refused(package, name):
    evil = repack(package, fix_checksums=False, add={name: b"x"})
    refused(evil, "unsafe_path", name)


def test_a_package_over_the_size_limit_is_refused(package, settings):
    settings.CURRICULUM_PACKAGE_MAX_UPLOAD_BYTES = len(package) - 1
    refused(package, "too_big", "too big")


def test_a_package_with_too_many_files_is_refused(package, settings):
    settings.CURRICULUM_PACKAGE_MAX_FILES = 3
    refused(package, "too_many_files", "too many files")


def test_a_reference_to_a_worksheet_not_in_the_package_is_named(package):
    def drop_worksheet(library):
        library["worksheets.worksheet"] = []

    broken = repack(package, change={"library.json": edit_json(drop_worksheet)})
    message = refused(broken, "missing_reference", "worksheet", "nothing was imported")
    # Says which worksheet and where it is used.
    worksheet = Worksheet.objects.get(title="Questions about Sam")
    assert f"worksheet {worksheet.pk}" in message
    assert "session 1 “Meeting Sam”" in message
    assert "Read the story" in message


def test_a_reference_to_a_missing_case_scenario_in_a_worksheet_is_named(package):
    def drop_scenario(library):
        library.pop("curriculum.casescenario")

    broken = repack(package, change={"library.json": edit_json(drop_scenario)})
    message = refused(broken, "missing_reference", "case scenario")
    assert "worksheet “Questions about Sam”" in message


def test_a_link_to_a_page_not_in_the_package_is_named(package):
    def add_link(data):
        data["sessions"][0]["fields"]["closure"] = '<p><a linktype="page" id="9999">x</a></p>'

    broken = repack(package, change={"programme.json": edit_json(add_link)})
    refused(broken, "missing_reference", "page 9999")


def test_a_field_this_site_does_not_have_is_refused(package):
    def add_field(library):
        library["worksheets.worksheet"][0]["fields"]["favourite_colour"] = "blue"

    broken = repack(package, change={"library.json": edit_json(add_field)})
    refused(broken, "unknown_field", "favourite_colour", "newer version")


def test_a_block_this_site_does_not_know_is_refused(package):
    def add_block(data):
        data["sessions"][0]["fields"]["activities"].append({"type": "video", "value": {}})

    broken = repack(package, change={"programme.json": edit_json(add_block)})
    refused(broken, "unknown_content", "“video”", "session 1")


def test_an_invalid_value_is_refused_with_the_field_named(package):
    def long_title(library):
        library["worksheets.worksheet"][0]["fields"]["title"] = "x" * 500

    broken = repack(package, change={"library.json": edit_json(long_title)})
    refused(broken, "invalid_content", "title")


def test_a_damaged_structure_is_refused(package):
    broken = repack(package, change={"programme.json": lambda p: b'{"programme": []}'})
    refused(broken, "bad_structure", "damaged")


def test_a_damaged_picture_is_refused(package):
    def corrupt(payload):
        return b"not a picture at all"

    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("files/wagtailimages.image/")]
    broken = repack(package, change={name: corrupt})
    refused(broken, "bad_file", "image “Two people talking”")


def test_a_damaged_h5p_package_is_refused_before_anything_is_written(demo_programme):
    data = programme_export(programme=demo_programme).data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("files/assessments.h5pactivity/")]
    broken = repack(data, change={name: lambda payload: b"PK\x03\x04 broken"})
    refused(broken, "bad_file", "H5P activity")


def test_a_failure_while_writing_removes_the_files_already_written(package):
    """The picture is written before the session plans; a session that cannot be published
    (its activities need more time than it has) stops the import, and the picture goes too."""

    def too_short(data):
        data["sessions"][1]["fields"]["planned_duration"] = 15

    broken = repack(package, change={"programme.json": edit_json(too_short)})
    message = refused(broken, "invalid_content", "could not be saved")
    assert "15" in message


def test_a_refused_import_leaves_the_h5p_folders_as_they_were(demo_programme):
    data = programme_export(programme=demo_programme).data

    def too_short(programme):
        programme["sessions"][1]["fields"]["planned_duration"] = 15

    broken = repack(data, change={"programme.json": edit_json(too_short)})
    before = SessionPlanPage.objects.count()
    refused(broken, "invalid_content")
    assert SessionPlanPage.objects.count() == before
