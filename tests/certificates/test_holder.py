"""The holder's own certificates: "My certificates", the PDF download, the choice to show
their name on the verification page, and the box on the trainee home page."""

import hashlib
import io

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from pypdf import PdfReader

from certificates import issuing
from certificates.models import Certificate, CertificateEvent
from certificates.views.holder import trainee_home_context
from lms.roles import Role
from tests.factories import UserFactory

Kind = CertificateEvent.Kind
pytestmark = pytest.mark.django_db


# --- two address books: one where the Open Badge download exists, one where it does not -----


def _site(with_badge):
    """The whole site, with the certificate addresses rebuilt so the test decides whether
    "certificates:badge" resolves, whatever the badges module holds today."""
    from django.http import HttpResponse

    from certificates import urls as certificate_urls
    from lms import urls as site_urls

    patterns = [p for p in certificate_urls.urlpatterns if getattr(p, "name", "") != "badge"]
    if with_badge:
        patterns.append(
            path("certificates/<str:code>/badge/", lambda r, code: HttpResponse(), name="badge")
        )
    others = [p for p in site_urls.urlpatterns if getattr(p, "namespace", None) != "certificates"]
    return [path("", include((patterns, "certificates"))), *others]


class WithBadge:
    urlpatterns = _site(with_badge=True)


class WithoutBadge:
    urlpatterns = _site(with_badge=False)


# --- data -----------------------------------------------------------------------------------


@pytest.fixture
def issued(completed, certifying_officer, credit_mappings):
    return issuing.issue(completed, certifying_officer)


@pytest.fixture
def someone_elses(not_completed, other_trainee):
    """A certificate of ``other_trainee``, stored directly (only its listing matters)."""
    return Certificate.objects.create(
        enrolment=not_completed,
        holder=other_trainee,
        cohort=not_completed.cohort,
        programme=not_completed.cohort.programme,
        organisation=not_completed.cohort.organisation,
        holder_name="Other Person",
        snapshot={
            "programme": {"title": "Someone else's programme"},
            "organisation": {"name": "Kent Peer Network"},
        },
        pdf=b"%PDF-other",
        pdf_sha256=hashlib.sha256(b"%PDF-other").hexdigest(),
    )


def mine_url():
    return reverse("certificates:mine")


def pdf_url(certificate):
    return reverse("certificates:pdf", args=[certificate.code])


def name_url(certificate):
    return reverse("certificates:name_choice", args=[certificate.code])


# --- My certificates ------------------------------------------------------------------------


def test_the_holder_sees_only_their_own_certificates(as_user, trainee, issued, someone_elses):
    reply = as_user(trainee).get(mine_url())
    assert reply.status_code == 200
    page = reply.content.decode()
    assert issued.code in page
    assert "Becoming a peer support agent" in page
    assert "Kent Peer Network" in page
    assert issuing.verify_url(issued.code) in page
    assert pdf_url(issued) in page
    assert someone_elses.code not in page
    assert "Someone else" not in page


def test_someone_without_certificates_is_told_how_they_get_one(as_user, other_trainee):
    reply = as_user(other_trainee).get(mine_url())
    assert reply.status_code == 200
    assert "You have no certificates yet." in reply.content.decode()


def test_anonymous_people_are_sent_to_log_in(as_user, anonymous, issued):
    client = as_user(anonymous)
    for url in (mine_url(), pdf_url(issued)):
        reply = client.get(url)
        assert reply.status_code == 302
        assert reply["Location"].startswith(reverse("login"))
    reply = client.post(name_url(issued), {"show": "1"})
    assert reply.status_code == 302 and reply["Location"].startswith(reverse("login"))
    assert not Certificate.objects.get(pk=issued.pk).name_public


def test_the_list_is_newest_first_and_says_plainly_which_no_longer_count(
    as_user, trainee, issued, certifying_officer
):
    replacement = issuing.reissue(
        issued, certifying_officer, "Name spelt wrongly", holder_name="D. D."
    )
    issuing.revoke(replacement, certifying_officer, "Issued in error")
    reply = as_user(trainee).get(mine_url())
    page = reply.content.decode()
    assert page.index(replacement.code) < page.index(issued.code)
    assert 'data-state="revoked"' in page and 'data-state="superseded"' in page
    assert "Revoked" in page and "This certificate no longer counts." in page
    assert "Replaced" in page
    # The replaced one points at its replacement on the same page.
    assert f'href="{mine_url()}#certificate-{replacement.code}"' in page
    assert f'id="certificate-{replacement.code}"' in page


@pytest.mark.urls.with_args(WithBadge)
def test_the_open_badge_button_shows_when_badges_exist(as_user, trainee, issued):
    page = as_user(trainee).get(mine_url()).content.decode()
    assert "Download Open Badge" in page
    assert reverse("certificates:badge", args=[issued.code]) in page


@pytest.mark.urls.with_args(WithBadge)
def test_no_open_badge_for_a_revoked_certificate(as_user, trainee, issued, certifying_officer):
    issuing.revoke(issued, certifying_officer, "Issued in error")
    page = as_user(trainee).get(mine_url()).content.decode()
    assert "Download Open Badge" not in page


@pytest.mark.urls.with_args(WithoutBadge)
def test_no_open_badge_button_while_badges_are_not_there(as_user, trainee, issued):
    page = as_user(trainee).get(mine_url()).content.decode()
    assert "Download Open Badge" not in page
    assert "Download PDF" in page


def test_the_page_takes_the_same_queries_for_one_or_many_certificates(
    as_user, trainee, issued, certifying_officer
):
    client = as_user(trainee)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(mine_url()).status_code == 200
        return len(queries)

    one = count()
    current = issued
    for n in range(4):
        current = issuing.reissue(current, certifying_officer, f"Correction {n}")
    assert Certificate.objects.filter(holder=trainee).count() == 5
    assert count() == one


# --- the PDF --------------------------------------------------------------------------------


def test_the_holder_downloads_the_stored_pdf_byte_for_byte(as_user, trainee, issued):
    reply = as_user(trainee).get(pdf_url(issued))
    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/pdf"
    assert reply["Content-Disposition"] == f'attachment; filename="{issued.filename}"'
    assert "no-store" in reply["Cache-Control"] and "private" in reply["Cache-Control"]
    assert hashlib.sha256(reply.content).hexdigest() == issued.pdf_sha256
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(reply.content)).pages)
    assert issued.holder_name in text
    event = CertificateEvent.objects.filter(certificate=issued, kind=Kind.PDF_DOWNLOADED).get()
    assert event.actor == trainee


def test_another_trainee_may_not_download_someone_elses_pdf(as_user, other_trainee, issued):
    reply = as_user(other_trainee).get(pdf_url(issued))
    assert reply.status_code == 403
    assert not CertificateEvent.objects.filter(kind=Kind.PDF_DOWNLOADED).exists()


def test_a_trainer_may_not_download_a_trainees_pdf(as_user, trainer, issued):
    assert as_user(trainer).get(pdf_url(issued)).status_code == 403


def test_staff_of_another_organisation_may_not_download_it(as_user, other_organisation, issued):
    officer = UserFactory(roles=[Role.CERTIFYING_OFFICER], organisation=other_organisation)
    assert as_user(officer).get(pdf_url(issued)).status_code == 403


def test_a_made_up_code_is_not_found(as_user, trainee, issued):
    assert as_user(trainee).get("/certificates/0000-0000-0000/pdf/").status_code == 404


def test_staff_and_the_holder_still_download_a_revoked_or_replaced_certificate(
    as_user, trainee, manager, certifying_officer, issued
):
    replacement = issuing.reissue(issued, certifying_officer, "Name spelt wrongly")
    issuing.revoke(replacement, certifying_officer, "Issued in error")
    for person in (trainee, manager, certifying_officer):
        for certificate in (issued, replacement):
            reply = as_user(person).get(pdf_url(certificate))
            assert reply.status_code == 200, (person, certificate.status)
            assert hashlib.sha256(reply.content).hexdigest() == certificate.pdf_sha256
    downloads = CertificateEvent.objects.filter(kind=Kind.PDF_DOWNLOADED)
    assert downloads.count() == 6
    assert {e.actor for e in downloads} == {trainee, manager, certifying_officer}


# --- the name on the verification page ------------------------------------------------------


def test_the_name_is_hidden_until_the_holder_agrees(as_user, trainee, issued):
    assert issued.name_public is False
    page = as_user(trainee).get(mine_url()).content.decode()
    assert "Your name is hidden." in page
    assert "Show my name to people who check this certificate" in page


def test_the_holder_shows_and_hides_their_name_and_each_change_is_logged(trainee, issued):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    # Without the form's token the change is refused.
    assert client.post(name_url(issued), {"show": "1"}).status_code == 403
    assert not Certificate.objects.get(pk=issued.pk).name_public

    client.get(mine_url())
    token = client.cookies["csrftoken"].value
    reply = client.post(name_url(issued), {"show": "1", "csrfmiddlewaretoken": token})
    assert reply.status_code == 302
    assert reply["Location"] == f"{mine_url()}#certificate-{issued.code}"
    assert Certificate.objects.get(pk=issued.pk).name_public is True
    page = client.get(mine_url()).content.decode()
    assert "People who check this certificate will see your name." in page
    assert "Your name is shown" in page and "Hide my name" in page

    # Sent twice (a double tap): nothing changes and nothing more is logged.
    client.post(name_url(issued), {"show": "1", "csrfmiddlewaretoken": token})
    client.post(name_url(issued), {"show": "0", "csrfmiddlewaretoken": token})
    assert Certificate.objects.get(pk=issued.pk).name_public is False
    kinds = list(
        CertificateEvent.objects.filter(certificate=issued)
        .exclude(kind=Kind.ISSUED)
        .values_list("kind", "actor")
    )
    assert kinds == [(Kind.NAME_SHOWN, trainee.pk), (Kind.NAME_HIDDEN, trainee.pk)]


def test_only_the_holder_chooses_whether_their_name_is_shown(
    as_user, other_trainee, certifying_officer, manager, issued
):
    for person in (other_trainee, certifying_officer, manager):
        reply = as_user(person).post(name_url(issued), {"show": "1"})
        assert reply.status_code == 403, person
    assert not Certificate.objects.get(pk=issued.pk).name_public
    assert not CertificateEvent.objects.filter(kind=Kind.NAME_SHOWN).exists()


def test_the_name_choice_only_takes_a_post(as_user, trainee, issued):
    assert as_user(trainee).get(name_url(issued)).status_code == 405


# --- the trainee home page ------------------------------------------------------------------


def test_the_home_page_box_lists_what_counts_in_one_query(
    trainee, issued, certifying_officer, django_assert_num_queries
):
    replacement = issuing.reissue(issued, certifying_officer, "Name spelt wrongly")
    with django_assert_num_queries(1):
        context = trainee_home_context(trainee)
    assert [c.code for c in context["my_certificates"]] == [replacement.code]
    html = render_to_string("certificates/home/_trainee.html", context)
    assert "My certificates" in html
    assert "Becoming a peer support agent" in html
    assert pdf_url(replacement) in html
    assert issued.code not in html
    assert mine_url() in html


def test_the_home_page_box_stays_away_when_there_is_nothing(other_trainee):
    context = trainee_home_context(other_trainee)
    assert context == {"my_certificates": []}
    assert render_to_string("certificates/home/_trainee.html", context).strip() == ""
