"""The import pages: upload, preview of every row, confirm; who may use them; an upload that
expired or was altered between preview and confirm; query counts."""

import hashlib
import io
import os
import tempfile
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lms.roles import Role
from tests.factories import UserFactory
from training.imports import MAX_UPLOAD_BYTES
from training.models import Enrolment

pytestmark = pytest.mark.django_db

GOOD = (
    "\ufeffPrénom;Nom;Courriel;Téléphone\r\n"
    "Zoë;Añez;zoe@example.org;0470 12 34 56\r\n"
    "Łukasz;Wójcik;;\r\n"
).encode()
BAD = ("Prénom;Nom;Courriel\nZoë;Añez;zoe@example.org\nNgọc;Nguyễn;ngoc-at-example\n").encode()


def kept_folder():
    from django.conf import settings

    return Path(settings.PRIVATE_MEDIA_ROOT) / "trainee-imports"


def url(name, cohort, *args):
    return reverse(f"training:{name}", args=[cohort.pk, *args])


def upload(client, cohort, data, name="trainees.csv"):
    return client.post(url("import_trainees", cohort), {"file": SimpleUploadedFile(name, data)})


def token_of(client, cohort):
    return client.session[f"training.import.{cohort.pk}"]["sha256"]


def confirm(client, cohort, token):
    return client.post(url("import_confirm", cohort), {"token": token})


def test_the_page_offers_the_upload_the_templates_and_the_exports(as_user, trainer, cohort):
    page = as_user(trainer).get(url("import_trainees", cohort)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert url("import_template", cohort, "xlsx") in page
    assert url("export", cohort, "register", "csv") in page
    assert "2 of 10 places taken" in page


def test_upload_then_confirm_imports_everyone(as_user, trainer, cohort):
    client = as_user(trainer)
    preview = upload(client, cohort, GOOD)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Confirm import" in page
    assert "Zoë Añez" in page and "Łukasz Wójcik" in page
    assert page.count("New trainee") == 2
    assert not User.objects.filter(first_name="Zoë").exists()

    done = confirm(client, cohort, token_of(client, cohort))
    assert done.status_code == 302
    assert Enrolment.objects.filter(cohort=cohort, trainee__first_name="Zoë").exists()
    assert Enrolment.objects.filter(cohort=cohort, trainee__last_name="Wójcik").exists()
    page = client.get(done.url).content.decode()
    assert "Import done: 2 new trainees, 0 updated, 0 already up to date." in page
    assert "Zoë Añez" in page and "zoe.a" in page
    # The kept file is gone after the import.
    assert f"training.import.{cohort.pk}" not in client.session


def test_a_preview_with_errors_names_each_row_and_offers_no_confirm(as_user, trainer, cohort):
    client = as_user(trainer)
    page = upload(client, cohort, BAD).content.decode()
    assert "Confirm import" not in page
    assert "Fix these rows in your file and upload it again" in page
    assert "Row 3: &#x27;ngoc-at-example&#x27; is not an email address." in page
    assert "Ngọc Nguyễn" in page


def test_forcing_confirm_on_a_file_with_a_bad_row_imports_nothing(as_user, trainer, cohort):
    client = as_user(trainer)
    users = User.objects.count()
    upload(client, cohort, BAD)
    # A refused file is not kept, so even its own hash confirms nothing.
    reply = confirm(client, cohort, hashlib.sha256(BAD).hexdigest())
    assert reply.status_code == 302
    assert "nothing was imported" in client.get(reply.url).content.decode()
    assert User.objects.count() == users
    assert not User.objects.filter(first_name="Zoë").exists()


def test_a_confirm_with_another_token_imports_nothing(as_user, trainer, cohort):
    client = as_user(trainer)
    upload(client, cohort, GOOD)
    reply = confirm(client, cohort, hashlib.sha256(b"something else").hexdigest())
    assert reply.status_code == 302
    assert not User.objects.filter(first_name="Zoë").exists()
    assert "expired or could not be found" in client.get(reply.url).content.decode()


def test_a_kept_file_changed_after_the_preview_is_refused(as_user, trainer, cohort):
    client = as_user(trainer)
    upload(client, cohort, GOOD)
    entry = client.session[f"training.import.{cohort.pk}"]
    with open(kept_folder() / entry["file"], "wb") as kept:
        kept.write(GOOD.replace("Zoë".encode(), b"Eve"))
    confirm(client, cohort, entry["sha256"])
    assert not User.objects.filter(first_name__in=["Zoë", "Eve"]).exists()


def test_an_expired_upload_is_refused(as_user, trainer, cohort):
    client = as_user(trainer)
    upload(client, cohort, GOOD)
    session = client.session
    key = f"training.import.{cohort.pk}"
    entry = session[key]
    entry["at"] = time.time() - 31 * 60
    session[key] = entry
    session.save()
    reply = confirm(client, cohort, entry["sha256"])
    assert not User.objects.filter(first_name="Zoë").exists()
    assert "expired" in client.get(reply.url).content.decode()


def test_a_confirm_without_any_upload_is_refused(as_user, trainer, cohort):
    reply = confirm(as_user(trainer), cohort, "0" * 64)
    assert reply.status_code == 302


def test_an_upload_kept_for_one_cohort_cannot_be_confirmed_into_another(
    as_user, trainer, cohort, programme, organisation
):
    from tests.factories import make_cohort
    from training.models import CohortTrainer

    second = make_cohort(programme, organisation, trainers=[(trainer, CohortTrainer.Role.LEAD)])
    client = as_user(trainer)
    upload(client, cohort, GOOD)
    confirm(client, second, token_of(client, cohort))
    assert not User.objects.filter(first_name="Zoë").exists()


def test_an_oversized_upload_is_refused(as_user, trainer, cohort):
    data = b"Prenom;Nom\n" + b"A;B\n" * (MAX_UPLOAD_BYTES // 4 + 1)
    reply = upload(as_user(trainer), cohort, data)
    assert reply.status_code == 400
    assert "larger than 2 MB" in reply.content.decode()


def test_a_text_file_named_xlsx_is_refused(as_user, trainer, cohort):
    reply = upload(as_user(trainer), cohort, GOOD, name="trainees.xlsx")
    assert reply.status_code == 400
    assert "not a readable Excel workbook" in reply.content.decode()


def test_a_missing_column_is_explained_on_the_upload_page(as_user, trainer, cohort):
    reply = upload(as_user(trainer), cohort, "Prénom;Courriel\nZoë;z@example.org\n".encode())
    page = reply.content.decode()
    assert "no column for: last name" in page
    assert "&#x27;Prénom&#x27;, &#x27;Courriel&#x27;" in page


def test_posts_need_a_csrf_token(trainer, cohort):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainer)
    reply = client.post(url("import_trainees", cohort), {"file": SimpleUploadedFile("a.csv", GOOD)})
    assert reply.status_code == 403
    assert client.post(url("import_confirm", cohort), {"token": "x"}).status_code == 403
    assert not User.objects.filter(first_name="Zoë").exists()


def test_confirm_only_accepts_post(as_user, trainer, cohort):
    assert as_user(trainer).get(url("import_confirm", cohort)).status_code == 405


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("trainer", True),
        ("co_trainer", True),
        ("manager", True),
        ("trainee", False),
        ("other_trainee", False),
        ("editor", False),
        ("evaluation_lead", False),
        ("other_org_trainer", False),
        ("other_org_manager", False),
    ],
)
def test_only_people_who_run_the_cohort_may_import(request, as_user, cohort, persona, allowed):
    if persona == "other_org_manager":
        user = UserFactory(
            roles=[Role.PROGRAMME_MANAGER],
            organisation=request.getfixturevalue("other_organisation"),
        )
    else:
        user = request.getfixturevalue(persona)
    client = as_user(user)
    expected = 200 if allowed else 403
    assert client.get(url("import_trainees", cohort)).status_code == expected
    assert client.get(url("import_template", cohort, "csv")).status_code == expected
    assert upload(client, cohort, GOOD).status_code == expected
    if not allowed:
        assert confirm(client, cohort, "0" * 64).status_code == 403
        assert not User.objects.filter(first_name="Zoë").exists()


def test_anonymous_people_are_sent_to_log_in(as_user, anonymous, cohort):
    client = as_user(anonymous)
    for reply in (
        client.get(url("import_trainees", cohort)),
        upload(client, cohort, GOOD),
        confirm(client, cohort, "0" * 64),
    ):
        assert reply.status_code == 302
        assert reverse("login") in reply.url


def test_an_unknown_cohort_is_not_found(as_user, trainer):
    assert (
        as_user(trainer).get(reverse("training:import_trainees", args=[999999])).status_code == 404
    )


def csv_of(count):
    lines = ["First name;Last name;Email;Phone;Reference"]
    lines += [f"Name{n};Surname{n};p{n}@example.org;0470{n:06d};R{n}" for n in range(count)]
    return "\n".join(lines).encode()


def test_the_preview_query_count_does_not_grow_with_the_rows(
    as_user, trainer, cohort, django_assert_max_num_queries
):
    """The preview loads what rows are compared with once: 10 rows and 200 rows need the
    same queries (23 today, savepoints included: session, login, cohort and permission
    checks, three look-ups for the dry run, the page's trainee list, saving the session).
    Above 900 distinct emails the email look-up adds one query per 900: a batch count."""
    cohort.capacity = 500
    cohort.save()
    client = as_user(trainer)
    for count in (10, 200):
        with django_assert_max_num_queries(24):
            reply = upload(client, cohort, csv_of(count))
        assert reply.content.decode().count("New trainee") == count


def test_the_confirm_query_count_grows_only_by_batches(
    as_user, trainer, cohort, django_assert_max_num_queries
):
    """A real import writes in bulk: 10 and 200 new trainees take the same statements
    (35 today; one INSERT per table per 500 rows, so 10,000 rows add a constant per batch)."""
    cohort.capacity = 500
    cohort.save()
    client = as_user(trainer)
    for start, count in ((0, 10), (1000, 200)):
        lines = ["First name;Last name;Email"]
        lines += [f"N{n};S{n};q{n}@example.org" for n in range(start, start + count)]
        upload(client, cohort, "\n".join(lines).encode())
        with django_assert_max_num_queries(36):
            reply = confirm(client, cohort, token_of(client, cohort))
        assert reply.status_code == 302
    assert Enrolment.objects.filter(cohort=cohort).count() == 212


def test_the_template_imports_cleanly(as_user, trainer, cohort):
    import openpyxl

    client = as_user(trainer)
    for fmt in ("csv", "xlsx"):
        reply = client.get(url("import_template", cohort, fmt))
        assert reply.status_code == 200
        data = reply.content
        if fmt == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
            rows = list(sheet.iter_rows(values_only=True))
            assert rows[0][:3] == ("First name", "Last name", "Email")
            assert rows[1][:2] == ("Zoë", "Añez")
        else:
            assert data.startswith(b"\xef\xbb\xbf")
            assert "First name,Last name,Email" in data.decode("utf-8-sig")
        preview = upload(client, cohort, data, name=f"template.{fmt}").content.decode()
        assert "Confirm import" in preview
        assert "Zoë Añez" in preview


def test_previews_nobody_confirmed_are_swept_away(as_user, trainer, cohort):
    kept_folder().mkdir(parents=True, exist_ok=True)
    old = kept_folder() / ("0" * 32)
    old.write_bytes(b"First name;Last name\nOld;Upload\n")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    upload(as_user(trainer), cohort, GOOD)
    assert not old.exists()


def kept_files():
    folder = kept_folder()
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def temporary_copies(data, before):
    """Files that appeared in the system's temporary folder since ``before`` (a listing
    taken before the upload) and hold ``data``: none may."""
    found = []
    for name in set(os.listdir(tempfile.gettempdir())) - before:
        path = os.path.join(tempfile.gettempdir(), name)
        try:
            if os.path.isfile(path) and os.path.getsize(path) == len(data):
                with open(path, "rb") as handle:
                    if handle.read() == data:
                        found.append(path)
        except OSError:
            pass
    return found


def temporary_listing():
    return set(os.listdir(tempfile.gettempdir()))


def test_a_refused_preview_keeps_nothing(as_user, trainer, cohort):
    """Names, emails and phone numbers of a file that cannot be imported are not kept
    anywhere: not in private storage, not in the system's temporary folder."""
    client = as_user(trainer)
    before = temporary_listing()
    page = upload(client, cohort, BAD).content.decode()
    assert "Fix these rows" in page
    assert kept_files() == []
    assert temporary_copies(BAD, before) == []
    assert f"training.import.{cohort.pk}" not in client.session


def test_a_kept_upload_is_in_private_storage_only(as_user, trainer, cohort, settings):
    client = as_user(trainer)
    before = temporary_listing()
    upload(client, cohort, GOOD)
    assert len(kept_files()) == 1
    assert (kept_folder() / kept_files()[0]).read_bytes() == GOOD
    assert not str(kept_folder()).startswith(str(settings.MEDIA_ROOT))
    assert temporary_copies(GOOD, before) == []


@pytest.mark.parametrize("how", ["leaving the page", "back to the import page", "confirming"])
def test_the_kept_upload_goes_as_soon_as_the_preview_is_left(as_user, trainer, cohort, how):
    client = as_user(trainer)
    upload(client, cohort, GOOD)
    assert len(kept_files()) == 1
    if how == "leaving the page":
        assert client.post(url("import_discard", cohort)).status_code == 204
    elif how == "back to the import page":
        client.get(url("import_trainees", cohort))
    else:
        confirm(client, cohort, token_of(client, cohort))
    assert kept_files() == []
    assert f"training.import.{cohort.pk}" not in client.session


def test_only_the_cohort_staff_may_discard(as_user, other_org_trainer, trainer, cohort):
    upload(as_user(trainer), cohort, GOOD)
    assert as_user(other_org_trainer).post(url("import_discard", cohort)).status_code == 403
    assert len(kept_files()) == 1
