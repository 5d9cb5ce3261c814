"""Certificates come out in the trainee's language: a Dutch cohort's certificate is Dutch
from title to footer, read back from the PDF itself."""

import io

import pytest
from pypdf import PdfReader

from certificates import issuing
from certificates.models import CertificateTemplate
from tests.factories import activity, make_scheduled_session, make_session, mark
from training.completion import recompute_enrolments
from training.models import CompletionRule, Enrolment

DUTCH_LABELS = [
    "Certificaat van deelname",
    "uitgereikt aan",
    "heeft de opleiding ervaringswerk",
    "Totaal aantal uren",
    "Aanwezigheid",
    "Code van het certificaat",
    "Waaraan",
    "Verantwoordelijke van de opleiding",
]
ENGLISH_LABELS = ["Certificate of completion", "awarded to", "Total hours", "Attendance"]


def text_of(pdf):
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


@pytest.fixture
def completed(cohort, programme, trainee):
    """``trainee`` attended both sessions of the programme."""
    CompletionRule.objects.create(
        programme=programme,
        worksheets=CompletionRule.WorksheetRequirement.NONE,
        assessments=CompletionRule.AssessmentRequirement.NONE,
    )
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    for number in (1, 2):
        plan = make_session(programme, number=number, activities=[activity()])
        mark(make_scheduled_session(cohort, plan, days_from_now=-20 + number), enrolment)
    recompute_enrolments([enrolment.pk])
    enrolment.refresh_from_db()
    return enrolment


@pytest.fixture
def dutch_cohort(cohort):
    cohort.language = "nl"
    cohort.save()
    return cohort


def test_a_dutch_cohorts_certificate_has_dutch_labels(
    completed,
    dutch_cohort,
    certifying_officer,
):
    certificate = issuing.issue(completed, certifying_officer)
    assert certificate.language == "nl"
    text = text_of(bytes(certificate.pdf))
    for dutch in DUTCH_LABELS:
        assert dutch in text
    for english in ENGLISH_LABELS:
        assert english not in text
    # Dates in words are Dutch too.
    months = "januari februari maart april mei juni juli augustus september oktober november"
    assert any(month in text for month in months.split() + ["december"])


def test_an_english_cohort_keeps_the_english_certificate(
    completed,
    certifying_officer,
):
    text = text_of(bytes(issuing.issue(completed, certifying_officer).pdf))
    for english in ENGLISH_LABELS:
        assert english in text


def test_the_organisations_own_template_in_dutch_is_used_as_written(
    completed,
    dutch_cohort,
    organisation,
    certifying_officer,
):
    CertificateTemplate.objects.create(
        organisation=organisation,
        language="nl",
        title="Attest ervaringswerker",
        statement="{name} volgde {programme}.",
        signatory_name="Anke de Wit",
        signatory_role="Coördinator",
    )
    certificate = issuing.issue(completed, certifying_officer)
    text = text_of(bytes(certificate.pdf))
    assert "Attest ervaringswerker" in text
    assert "Coördinator" in text
    assert "Totaal aantal uren" in text


def test_an_english_only_organisation_template_keeps_its_signatories_in_dutch(
    completed,
    dutch_cohort,
    organisation,
    certifying_officer,
):
    CertificateTemplate.objects.create(
        organisation=organisation,
        language="en",
        title="Kent certificate",
        statement="{name} completed {programme}.",
        signatory_name="Amira Haddad",
        signatory_role="Programme lead",
    )
    certificate = issuing.issue(completed, certifying_officer)
    text = text_of(bytes(certificate.pdf))
    assert "Certificaat van deelname" in text
    assert "Amira Haddad" in text
    assert "Verantwoordelijke van de opleiding" in text
    assert "Kent certificate" not in text
