"""Uploaded documents are served only to people with a role."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = Document(title="Facilitator notes")
    doc.file.save("notes.txt", ContentFile(b"Only for the trainer."), save=False)
    doc.save()
    return doc


def test_someone_not_logged_in_cannot_download_a_document(client, document):
    response = client.get(document.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_account_without_a_role_cannot_download_a_document(as_user, document):
    from tests.factories import UserFactory

    assert as_user(UserFactory()).get(document.url).status_code == 403


def test_a_trainer_downloads_a_document(as_user, trainer, document):
    response = as_user(trainer).get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Only for the trainer."
