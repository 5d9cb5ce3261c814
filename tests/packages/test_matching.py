"""What an import matches with this site's library, what it creates, and what it leaves out
for lack of permission."""

import io
import json
import zipfile

import pytest

from curriculum.models import ContentNote, PeerSupportValue
from packages.exporting import programme_export
from packages.format import PackageError, read_package
from packages.importing import ProgrammeImporter, package_import

from .test_bad_packages import edit_json, repack

pytestmark = pytest.mark.django_db


def test_values_and_content_notes_are_matched_by_name_not_copied(linked_programme):
    values, notes = PeerSupportValue.objects.count(), ContentNote.objects.count()
    result = package_import(source=programme_export(programme=linked_programme).data)
    assert PeerSupportValue.objects.count() == values
    assert ContentNote.objects.count() == notes
    assert result.plan.match["peer support values"] == [("Hope", []), ("Mutuality", [])]
    assert result.plan.match["content notes"] == [("Prison", [])]


def test_a_value_worded_differently_here_keeps_the_packages_words_in_the_programme(
    linked_programme,
):
    data = programme_export(programme=linked_programme).data
    PeerSupportValue.objects.filter(name="Mutuality").update(description="Said another way.")

    package = read_package(data)
    plan = ProgrammeImporter(package).check()
    assert ("Mutuality", ["what it means"]) in plan.match["peer support values"]
    result = package_import(source=data)

    assert PeerSupportValue.objects.get(name="Mutuality").description == "Said another way."
    assert dict((v.name, w) for v, w in result.programme.peer_support_values()) == {
        "Mutuality": "What Mutuality means.",
        "Hope": "Our words",
    }


def test_a_value_this_site_lacks_is_added_at_the_end_of_its_list(linked_programme):
    def rename(library):
        for item in library["curriculum.peersupportvalue"]:
            if item["fields"]["name"] == "Mutuality":
                item["fields"]["name"] = "Solidarity"

    data = repack(
        programme_export(programme=linked_programme).data,
        change={"library.json": edit_json(rename)},
    )
    result = package_import(source=data)

    solidarity = PeerSupportValue.objects.get(name="Solidarity")
    assert list(PeerSupportValue.objects.values_list("name", flat=True))[-1] == "Solidarity"
    assert solidarity.description == "What Mutuality means."
    assert [v.name for v, _w in result.programme.peer_support_values()] == ["Solidarity", "Hope"]
    assert result.plan.create["peer support values"] == ["Solidarity"]


def test_an_editor_imports_the_demo_but_credit_frameworks_they_may_not_add_are_left_out(
    demo_programme,
):
    from certificates.models import CreditFramework
    from lms.roles import Role
    from tests.factories import UserFactory

    editor = UserFactory(username="package_editor", roles=[Role.CURRICULUM_EDITOR])

    data = programme_export(programme=demo_programme).data
    CreditFramework.objects.filter(built_in=False).update(short_name="LOCAL", name="Local")

    result = package_import(source=data, user=editor)

    frameworks = {m.framework.short_name for m in result.programme.credit_mappings.all()}
    assert frameworks == {"ECTS", "RQF"}
    assert any("KPSQ (demo)" in text for text in result.plan.skipped)
    assert not CreditFramework.objects.filter(short_name="KPSQ (demo)").exists()
    assert result.programme.completion_rule.min_attendance_percent == 80


def test_someone_without_the_right_to_add_programmes_is_refused(linked_programme, trainer):
    data = programme_export(programme=linked_programme).data
    with pytest.raises(PackageError, match="may not add programmes"):
        package_import(source=data, user=trainer)


def test_the_package_says_where_it_comes_from(linked_programme):
    data = programme_export(programme=linked_programme).data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    assert manifest["format"] == "peer-support-lms/curriculum-package"
    assert manifest["format_version"] == 1
    assert manifest["exporter"]["version"]
    assert manifest["created_at"]
    assert manifest["source_site"]["name"]
    assert set(manifest["members"]) == names - {"manifest.json"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["members"].values())
