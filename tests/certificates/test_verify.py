"""The public verification page: what anyone holding a code may see, and nothing more."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from certificates import issuing
from certificates.models import Certificate, CreditFramework, CreditMapping

NOT_FOUND = "No certificate has this code"


@pytest.fixture(autouse=True)
def empty_rate_limit_counts():
    """The rate limit counts in the cache, which outlives a test; each starts afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(completed, certifying_officer, credit_mappings):
    return issuing.issue(completed, certifying_officer)


def page_of(client, code):
    return client.get(reverse("certificates:verify", args=[code]))


def page_of_from(client, code, address):
    return client.get(reverse("certificates:verify", args=[code]), REMOTE_ADDR=address)


def text_of(response):
    """The page's visible words, tags removed, spaces squeezed: what a reader sees."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def long_date(value):
    return date_format(value, "j F Y")


def test_it_shows_a_valid_certificate_to_anyone(client, certificate):
    response = page_of(client, certificate.code)

    assert response.status_code == 200
    words = text_of(response)
    snapshot = certificate.snapshot
    assert "This certificate is valid" in words
    assert 'data-state="valid"' in response.content.decode()
    assert f"Training {snapshot['programme']['title']}" in words
    assert f"Issued by {snapshot['organisation']['name']}" in words
    assert f"Issued on {long_date(timezone.localdate())}" in words
    assert "Valid until No end date" in words
    assert "Hours of training 5 hours" in words  # two sessions of 150 minutes
    # Each framework with its credits and the basis they stand on.
    assert "4 RQF credits, level 2" in words
    assert "Recognised by Kent Adult Learning Awards (agreement KALA-2026-014, 1 March 2026)" in (
        words
    )
    assert "2 ECTS credits" in words
    assert "Indicative: our estimate from 60 hours of learning." in words


def test_it_keeps_the_page_out_of_search_engines_and_caches(client, certificate):
    response = page_of(client, certificate.code)

    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert "connect-src 'none'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_it_hides_the_holders_name_unless_they_agreed(client, certificate):
    response = page_of(client, certificate.code)

    words = text_of(response)
    assert certificate.holder_name not in response.content.decode()
    assert (
        "The holder chose not to show their name here; ask them to show you the certificate"
        in words
    )

    Certificate.objects.filter(pk=certificate.pk).update(name_public=True)
    words = text_of(page_of(client, certificate.code))
    assert f"Holder {certificate.holder_name}" in words
    assert "chose not to show their name" not in words


def test_the_name_shown_is_the_one_on_the_certificate(client, certificate, trainee):
    trainee.first_name = "Renamed"
    trainee.save()
    Certificate.objects.filter(pk=certificate.pk).update(name_public=True)

    words = text_of(page_of(client, certificate.code))

    assert f"Holder {certificate.snapshot['holder']['name']}" in words
    assert "Renamed" not in words


def test_a_revoked_certificate_says_so_with_the_date_but_not_the_reason(
    client, certificate, certifying_officer
):
    issuing.revoke(certificate, certifying_officer, "Found to have copied a classmate's work")

    response = page_of(client, certificate.code)

    assert response.status_code == 200
    words = text_of(response)
    assert "This certificate was revoked" in words
    day = long_date(timezone.localdate(certificate.status_changed_at))
    assert f"We withdrew it on {day}" in words
    assert "This certificate is valid" not in words
    assert "copied" not in response.content.decode()


def test_a_replaced_certificate_links_to_the_newer_one(client, certificate, certifying_officer):
    newer = issuing.reissue(certificate, certifying_officer, "Spelling of the name")
    certificate.refresh_from_db()

    response = page_of(client, certificate.code)

    words = text_of(response)
    assert "This certificate was replaced" in words
    assert long_date(timezone.localdate(certificate.status_changed_at)) in words
    assert "Spelling" not in response.content.decode()
    link = reverse("certificates:verify", args=[newer.code])
    assert f'href="{link}"' in response.content.decode()
    # The newer one is valid, and says nothing of the older one.
    newer_page = page_of(client, newer.code)
    assert "This certificate is valid" in text_of(newer_page)
    assert certificate.code not in newer_page.content.decode()


def test_an_expired_certificate_says_so_with_its_date(client, certificate):
    ended = timezone.localdate() - datetime.timedelta(days=3)
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=ended)

    words = text_of(page_of(client, certificate.code))

    assert "This certificate has expired" in words
    assert f"It was valid until {long_date(ended)}" in words
    assert "This certificate is valid" not in words


def test_a_certificate_is_valid_on_its_last_day(client, certificate):
    today = timezone.localdate()
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=today)

    words = text_of(page_of(client, certificate.code))

    assert "This certificate is valid" in words
    assert f"It is valid until {long_date(today)}" in words


@pytest.mark.parametrize(
    "code",
    [
        "ABCD-EFGH-JKMN",  # well formed, never issued
        "0000-0000-0000",
        "not-a-code",  # malformed
        "ABCD-EFGH-JKMNP",  # one character too many
        "<img src=x onerror=alert(1)>",
    ],
)
def test_an_unknown_or_malformed_code_gets_the_same_plain_answer(client, certificate, code):
    response = page_of(client, code)

    assert response.status_code == 404
    words = text_of(response)
    assert NOT_FOUND in words
    assert "format" not in words.lower()
    assert "<img src=x" not in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_the_not_found_answer_does_not_depend_on_the_codes_form(client, certificate):
    """A well-formed and a malformed code of the same length get the same page, byte for
    byte apart from the code echoed back, and cost the same queries."""
    well_formed, malformed = "ABCD-EFGH-JKMN", "ABCD-EFGH-JKM!"

    first = page_of(client, well_formed).content.decode().replace(well_formed, "CODE")
    second = page_of(client, malformed).content.decode().replace(malformed, "CODE")

    assert first == second


def test_not_found_costs_the_same_queries_whatever_the_form(client, certificate):
    def queries_for(code):
        with CaptureQueriesContext(connection) as run:
            assert page_of(client, code).status_code == 404
        # The statements without their parameters: the same work, whatever the values.
        return [re.sub(r"'[^']*'|%s|\d+", "?", q["sql"]) for q in run.captured_queries]

    well_formed = queries_for("ABCD-EFGH-JKMN")
    assert any('"certificates_certificate"' in sql for sql in well_formed)
    assert queries_for("x") == well_formed
    assert queries_for("ABCD-EFGH-JKMN-0000") == well_formed


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code,
        lambda code: code.lower(),
        lambda code: code.replace("-", ""),
        lambda code: " " + code.replace("-", " ").lower() + " ",
        lambda code: code.replace("-", "--"),
        # What people read off paper: the letter O for zero, I or l for one.
        lambda code: code.replace("0", "O").replace("1", "l"),
    ],
)
def test_the_lookup_form_forgives_how_the_code_was_typed(client, certificate, typed):
    code = "0A1B-" + certificate.code[5:]
    Certificate.objects.filter(pk=certificate.pk).update(code=code)

    response = client.get(reverse("certificates:verify_lookup"), {"code": typed(code)})

    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=[code])
    assert "This certificate is valid" in text_of(client.get(response["Location"]))


def test_the_code_page_forgives_a_code_typed_into_the_address(client, certificate):
    response = page_of(client, certificate.code.lower().replace("-", ""))

    assert response.status_code == 200
    assert "This certificate is valid" in text_of(response)


def test_the_lookup_form_sends_a_malformed_code_to_the_same_not_found_page(client, certificate):
    response = client.get(reverse("certificates:verify_lookup"), {"code": "nope / 12"}, follow=True)

    assert response.redirect_chain == [(reverse("certificates:verify", args=["NOPE12"]), 302)]
    assert response.status_code == 404
    assert NOT_FOUND in text_of(response)


def test_the_lookup_form_is_a_public_page(client, db):
    response = client.get(reverse("certificates:verify_lookup"))

    assert response.status_code == 200
    words = text_of(response)
    assert "Check a certificate" in words
    assert 'name="code"' in response.content.decode()
    assert 'method="get"' in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_only_reading_is_allowed(client, certificate):
    assert client.post(reverse("certificates:verify", args=[certificate.code])).status_code == 405
    assert client.post(reverse("certificates:verify_lookup"), {"code": "x"}).status_code == 405


def test_too_many_checks_from_one_address_are_refused_kindly(client, certificate, settings):
    settings.CERTIFICATES_VERIFY_RATE = "3/m"
    lookup = reverse("certificates:verify_lookup")

    # The form and the page share one budget: a typed code (1) and the page it leads to (2)...
    assert client.get(lookup, {"code": certificate.code}).status_code == 302
    assert page_of(client, certificate.code).status_code == 200
    # ...a code that does not exist counts too (3)...
    assert page_of(client, "ABCD-EFGH-JKMN").status_code == 404
    # ...and the fourth check in the minute is refused, on either of them.
    refused = page_of(client, certificate.code)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Too many checks from this connection" in text_of(refused)
    assert "wait a minute" in text_of(refused)
    assert certificate.programme_title not in refused.content.decode()
    assert client.get(lookup, {"code": certificate.code}).status_code == 429
    assert client.get(lookup).status_code == 429

    # Another connection still has its own budget.
    other = page_of_from(client, certificate.code, "203.0.113.9")
    assert other.status_code == 200


def test_opening_the_empty_form_does_not_use_up_the_budget(client, certificate, settings):
    settings.CERTIFICATES_VERIFY_RATE = "2/m"
    lookup = reverse("certificates:verify_lookup")

    for _ in range(5):
        assert client.get(lookup).status_code == 200
    assert page_of(client, certificate.code).status_code == 200
    assert page_of(client, certificate.code).status_code == 200
    assert page_of(client, certificate.code).status_code == 429


def add_frameworks(programme, count):
    """Map the programme to ``count`` more frameworks than the fixture's two."""
    for n in range(count):
        framework = CreditFramework.objects.create(
            name=f"University module {n}",
            short_name=f"UNI{n}",
            hours_per_credit_min=Decimal(25),
            hours_per_credit_max=Decimal(30),
        )
        CreditMapping.objects.create(
            framework=framework,
            programme=programme,
            contact_hours=Decimal("30"),
            credits=Decimal(n + 1),
            basis=CreditMapping.Basis.RECOGNISED,
            recognised_by=f"University {n}",
        )


@pytest.mark.parametrize("frameworks", [1, 5])
def test_the_page_costs_the_same_queries_however_many_credits(
    client, completed, certifying_officer, programme, frameworks, django_assert_max_num_queries
):
    add_frameworks(programme, frameworks)
    certificate = issuing.issue(completed, certifying_officer)
    reissued = issuing.reissue(certificate, certifying_officer, "New name")
    assert len(reissued.credits) == frameworks

    for code in (certificate.code, reissued.code):  # replaced (joins the newer) and valid
        with django_assert_max_num_queries(1):
            response = page_of(client, code)
        assert response.status_code == 200
    assert f"University {frameworks - 1}" in text_of(response)


def test_nothing_personal_leaks_onto_the_page(
    client, certificate, trainee, certifying_officer, cohort
):
    trainee.email = "monica.private@example.org"
    trainee.save()
    Certificate.objects.filter(pk=certificate.pk).update(name_public=True)

    html = page_of(client, certificate.code).content.decode()

    snapshot = certificate.snapshot
    for private in (
        trainee.email,
        trainee.username,
        certifying_officer.get_full_name(),  # who signed it off stays internal
        cohort.name,
        *(session["title"] for session in snapshot["sessions"]),  # attendance per session
        "attended",
        "caught up",
        f"{snapshot['attendance']['percent']}%",
    ):
        assert private not in html, private
