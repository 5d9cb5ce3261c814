"""The admin screens: "Export as package" on a programme, and "Import a package" with a
preview before anything changes."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.models import PageLogEntry

from curriculum.models import ProgrammePage
from packages.exporting import programme_export
from packages.format import read_package
from packages.views import incoming_dir

pytestmark = pytest.mark.django_db


def upload(client, data, name="programme.curriculum.zip"):
    return client.post(
        reverse("packages:upload"),
        {"package": SimpleUploadedFile(name, data, content_type="application/zip")},
    )


@pytest.fixture
def package(linked_programme):
    return programme_export(programme=linked_programme).data


def test_an_editor_sees_export_as_package_on_a_programme(as_user, editor, linked_programme):
    response = as_user(editor).get(reverse("wagtailadmin_pages:edit", args=[linked_programme.pk]))
    assert response.status_code == 200
    assert reverse("packages:export", args=[linked_programme.pk]) in response.content.decode()


def test_an_editor_sees_import_a_package_on_the_library(as_user, editor, linked_programme):
    library = linked_programme.get_parent()
    response = as_user(editor).get(reverse("wagtailadmin_explore", args=[library.pk]))
    assert f"{reverse('packages:upload')}?into={library.pk}" in response.content.decode()


def test_an_editor_downloads_the_package(as_user, editor, linked_programme):
    response = as_user(editor).get(reverse("packages:export", args=[linked_programme.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="linked-programme.curriculum.zip"' in response["Content-Disposition"]
    package = read_package(response.content)
    assert package.manifest["programme"]["title"] == "Linked programme"
    entry = PageLogEntry.objects.get(page=linked_programme, action="packages.export")
    assert entry.user == editor


@pytest.mark.parametrize("persona", ["manager", "trainer", "trainee"])
def test_people_who_do_not_edit_the_curriculum_cannot_export(
    request, as_user, linked_programme, persona
):
    user = request.getfixturevalue(persona)
    response = as_user(user).get(reverse("packages:export", args=[linked_programme.pk]))
    assert response.status_code in (302, 403)
    assert response.get("Content-Type") != "application/zip"


def test_someone_not_logged_in_is_sent_to_log_in(client, linked_programme):
    response = client.get(reverse("packages:export", args=[linked_programme.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_upload_preview_and_import(as_user, editor, package, linked_programme):
    client = as_user(editor)
    response = upload(client, package)
    assert response.status_code == 302
    preview_url = response["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    assert (incoming_dir() / f"{token}.zip").exists()

    page = client.get(preview_url).content.decode()
    assert "Linked programme" in page
    assert "linked-programme-1" in page  # the slug is taken here, so a new one
    assert "Will be added to the library" in page
    assert "Questions about Sam" in page  # a worksheet to create
    assert "Already on this site" in page and "Mutuality" in page  # a value matched
    before = ProgrammePage.objects.count()

    response = client.post(preview_url, {"action": "import", "publish": ""})

    assert ProgrammePage.objects.count() == before + 1
    copy = ProgrammePage.objects.order_by("-pk").first()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_explore", args=[copy.pk])
    assert not copy.live  # a draft unless asked
    assert copy.owner == editor
    assert PageLogEntry.objects.filter(page=copy, action="packages.import", user=editor).exists()
    assert not (incoming_dir() / f"{token}.zip").exists()
    # The upload cannot be imported twice.
    assert client.post(preview_url, {"action": "import"}).status_code == 404


def test_publishing_on_import(as_user, editor, package):
    client = as_user(editor)
    preview_url = upload(client, package)["Location"]
    client.post(preview_url, {"action": "import", "publish": "1"})
    copy = ProgrammePage.objects.order_by("-pk").first()
    assert copy.live


def test_cancel_forgets_the_upload(as_user, editor, package):
    client = as_user(editor)
    preview_url = upload(client, package)["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    before = ProgrammePage.objects.count()
    response = client.post(preview_url, {"action": "cancel"})
    assert response.status_code == 302
    assert not (incoming_dir() / f"{token}.zip").exists()
    assert ProgrammePage.objects.count() == before


def test_another_person_cannot_open_someone_elses_upload(as_user, editor, package, db):
    from lms.roles import Role
    from tests.factories import UserFactory

    preview_url = upload(as_user(editor), package)["Location"]
    other = Client()
    other.force_login(UserFactory(username="editor2", roles=[Role.CURRICULUM_EDITOR]))
    assert other.get(preview_url).status_code == 404
    assert other.post(preview_url, {"action": "import"}).status_code == 404


def test_only_zip_files_are_accepted(as_user, editor, linked_programme):
    response = upload(as_user(editor), b"%PDF-1.4", name="programme.pdf")
    assert response.status_code == 200
    assert "“pdf” is not allowed" in response.content.decode()
    assert not list(Path(incoming_dir()).glob("*.zip"))


def test_a_zip_named_file_that_is_not_a_zip_gets_a_clear_message(as_user, editor, linked_programme):
    response = upload(as_user(editor), b"just some text")
    assert "not a zip file" in response.content.decode()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(as_user, editor, package, settings):
    settings.CURRICULUM_PACKAGE_MAX_UPLOAD_BYTES = 1024
    response = upload(as_user(editor), package)
    assert response.status_code == 200
    assert "too big" in response.content.decode()


def test_a_package_from_a_newer_version_shows_why_on_the_upload_page(as_user, editor, package):
    from tests.packages.test_bad_packages import repack

    newer = repack(package, manifest=lambda m: m.update(format_version=7))
    response = upload(as_user(editor), newer)
    assert response.status_code == 200
    assert "newer version of the platform" in response.content.decode()


def test_the_upload_page_names_the_size_limit(as_user, editor, linked_programme):
    response = as_user(editor).get(reverse("packages:upload"))
    assert response.status_code == 200
    assert "At most 100 MB" in response.content.decode()


def test_an_admin_user_who_is_not_an_editor_cannot_import(as_user, linked_programme):
    from django.contrib.auth.models import Group, Permission

    from tests.factories import UserFactory

    limited_group = Group.objects.create(name="Readers of the admin")
    limited_group.permissions.add(Permission.objects.get(codename="access_admin"))
    user = UserFactory(username="limited", roles=[])
    user.groups.add(limited_group)
    response = as_user(user).get(reverse("packages:upload"))
    assert response.status_code in (302, 403)  # Wagtail sends refused people to its home
    assert b"Upload and check" not in response.content
