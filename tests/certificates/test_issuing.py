"""Issuing, revoking and re-issuing: who may, who is eligible, the frozen snapshot, the
log, and nothing half-done."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from certificates import issuing
from certificates.models import Certificate, CertificateEvent, CertificateTemplate
from lms.roles import Role
from tests.factories import UserFactory
from training.models import Enrolment

Kind = CertificateEvent.Kind


def test_an_officer_issues_a_certificate_that_holds_what_was_achieved(
    completed, certifying_officer, credit_mappings
):
    certificate = issuing.issue(completed, certifying_officer)

    snapshot = certificate.snapshot
    assert certificate.holder == completed.trainee
    assert certificate.issued_by == certifying_officer
    assert snapshot["programme"]["title"] == "Becoming a peer support agent"
    assert snapshot["attendance"] == {"counted": 2, "planned": 2, "percent": 100}
    assert snapshot["hours"] == {"planned": "5", "attended": "5"}
    assert [s["how"] for s in snapshot["sessions"]] == ["attended", "attended"]
    assert snapshot["sessions"][0]["outcomes"] == ["Define the role"]
    credits = {c["short_name"]: c for c in snapshot["credits"]}
    assert credits["RQF"]["credits"] == "4"
    assert credits["RQF"]["basis"] == "recognised"
    assert credits["RQF"]["recognised_by"] == "Kent Adult Learning Awards"
    assert credits["ECTS"]["credits"] == "2"
    assert credits["ECTS"]["basis"] == "indicative"
    assert credits["ECTS"]["total_hours"] == "60"
    assert snapshot["issuer"]["officer"] == certifying_officer.get_full_name()
    assert completed.trainee.get_full_name() in snapshot["template"]["statement"]
    stored = Certificate.objects.get(pk=certificate.pk)
    assert bytes(stored.pdf).startswith(b"%PDF")
    assert hashlib.sha256(bytes(stored.pdf)).hexdigest() == stored.pdf_sha256
    (event,) = stored.events.all()
    assert (event.kind, event.actor, event.detail["sha256"]) == (
        Kind.ISSUED,
        certifying_officer,
        stored.pdf_sha256,
    )


def test_the_code_is_short_unguessable_and_forgiving_when_typed(completed, certifying_officer):
    from certificates.models.issued import normalise_code

    certificate = issuing.issue(completed, certifying_officer)
    code = certificate.code
    assert len(code) == 14 and code.count("-") == 2
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code("not-a-code") is None
    assert normalise_code(code.replace("0", "O")) == code
    # 1,000 fresh codes never collide: 60 random bits each.
    from certificates.models.issued import new_code

    assert len({new_code() for _ in range(1000)}) == 1000


def test_someone_who_has_not_completed_is_refused_and_nothing_is_stored(
    not_completed, certifying_officer
):
    with pytest.raises(ValidationError, match="completion rule"):
        issuing.issue(not_completed, certifying_officer)
    assert not Certificate.objects.exists()
    assert not CertificateEvent.objects.exists()


def test_a_withdrawn_trainee_is_refused(completed, certifying_officer):
    Enrolment.objects.filter(pk=completed.pk).update(status=Enrolment.Status.WITHDRAWN)
    completed.refresh_from_db()
    with pytest.raises(ValidationError, match="Left the programme"):
        issuing.issue(completed, certifying_officer)


def test_issuing_twice_is_refused(completed, certifying_officer):
    issuing.issue(completed, certifying_officer)
    with pytest.raises(ValidationError, match="already has a valid certificate"):
        issuing.issue(completed, certifying_officer)
    assert Certificate.objects.count() == 1


def test_the_database_refuses_a_second_valid_certificate_even_past_the_checks(
    completed, certifying_officer
):
    certificate = issuing.issue(completed, certifying_officer)
    copy = Certificate.objects.defer(None).get(pk=certificate.pk)
    copy.pk = None
    copy._state.adding = True
    copy.code = "0000-0000-0000"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


@pytest.mark.parametrize("who", ["trainer", "manager", "trainee", "other_org_officer"])
def test_only_a_certifying_officer_of_the_organisation_may_issue(
    request, completed, other_organisation, who
):
    if who == "other_org_officer":
        user = UserFactory(roles=[Role.CERTIFYING_OFFICER], organisation=other_organisation)
    else:
        user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        issuing.issue(completed, user)
    assert not Certificate.objects.exists()


def test_a_failure_while_saving_leaves_no_certificate_and_no_log(
    completed, certifying_officer, monkeypatch
):
    # The log line is written after the row, inside the same transaction: if it fails,
    # the row must go too.
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CertificateEvent.objects, "create", broken)
    with pytest.raises(RuntimeError):
        issuing.issue(completed, certifying_officer)
    assert not Certificate.objects.exists()


def test_later_edits_never_change_an_issued_certificate(
    completed, certifying_officer, programme, credit_mappings
):
    certificate = issuing.issue(completed, certifying_officer)
    pdf, snapshot = bytes(Certificate.objects.get(pk=certificate.pk).pdf), certificate.snapshot

    CertificateTemplate.objects.update(title="A new title", statement="{name} did {programme}.")
    programme.title = "Renamed programme"
    programme.save_revision().publish()
    completed.trainee.first_name = "Changed"
    completed.trainee.save()
    credit_mappings[1].delete()

    stored = Certificate.objects.get(pk=certificate.pk)
    assert bytes(stored.pdf) == pdf
    assert stored.snapshot == snapshot
    assert stored.holder_name == certificate.holder_name


def test_the_organisation_template_in_the_cohort_language_is_used(
    completed, certifying_officer, organisation, cohort
):
    cohort.language = "fr"
    cohort.save()
    CertificateTemplate.objects.create(
        organisation=organisation,
        language="fr",
        title="Attestation de formation",
        statement="{name} a suivi {programme}.",
        signatory_name="Marie Dubois",
        signatory_role="Coordinatrice",
        valid_for_months=24,
    )
    certificate = issuing.issue(completed, certifying_officer)
    assert certificate.language == "fr"
    assert certificate.snapshot["template"]["title"] == "Attestation de formation"
    assert certificate.snapshot["template"]["signatories"] == [
        {"name": "Marie Dubois", "role": "Coordinatrice"}
    ]
    assert certificate.expires_on is not None
    assert (certificate.expires_on - certificate.issued_at.date()).days in range(725, 735)


def test_without_any_template_the_built_in_wording_is_used(completed, certifying_officer):
    CertificateTemplate.objects.all().delete()
    certificate = issuing.issue(completed, certifying_officer)
    assert certificate.snapshot["template"]["title"] == "Certificate of completion"
    assert certificate.template is None


@pytest.mark.parametrize(
    "statement, message",
    [
        ("{programme} was completed.", "must contain {name}"),
        ("{name} finished.", "must contain {programme}"),
        ("{name} did {programme} in {city}.", "Unknown placeholder: {city}"),
        ("{name did {programme}", "not closed"),
    ],
)
def test_a_template_with_missing_or_unknown_fields_is_refused(db, statement, message):
    template = CertificateTemplate(
        language="nl", statement=statement, signatory_name="A", signatory_role="B"
    )
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert message in str(error.value)


def test_revoking_needs_a_reason_and_is_logged(completed, certifying_officer):
    certificate = issuing.issue(completed, certifying_officer)
    with pytest.raises(ValidationError, match="Say why"):
        issuing.revoke(certificate, certifying_officer, "   ")
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.VALID

    issuing.revoke(certificate, certifying_officer, "Issued to the wrong cohort.")

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.public_state == "revoked"
    assert certificate.status_changed_at is not None
    assert [e.kind for e in certificate.events.all()] == [Kind.ISSUED, Kind.REVOKED]
    assert certificate.events.last().reason == "Issued to the wrong cohort."
    with pytest.raises(ValidationError, match="already revoked"):
        issuing.revoke(certificate, certifying_officer, "Again.")


def test_after_revocation_a_new_certificate_may_be_issued(completed, certifying_officer):
    first = issuing.issue(completed, certifying_officer)
    issuing.revoke(first, certifying_officer, "Wrong programme version.")
    second = issuing.issue(completed, certifying_officer)
    assert second.code != first.code


def test_reissue_with_a_corrected_name_supersedes_the_old_certificate(
    completed, certifying_officer
):
    old = issuing.issue(completed, certifying_officer, holder_name="Zoe Lukasiewicz")
    with pytest.raises(ValidationError, match="Say why"):
        issuing.reissue(old, certifying_officer, "")

    new = issuing.reissue(
        old, certifying_officer, "Name spelled wrongly.", holder_name="Zoë Łukasiewicz"
    )

    old.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED
    assert old.superseded_by == new
    assert new.status == Certificate.Status.VALID
    assert new.holder_name == "Zoë Łukasiewicz"
    assert new.snapshot["holder"]["name"] == "Zoë Łukasiewicz"
    assert new.code != old.code
    assert [e.kind for e in old.events.all()] == [Kind.ISSUED, Kind.SUPERSEDED]
    assert old.events.last().detail["replaced_by"] == new.code
    (event,) = new.events.all()
    assert (event.kind, event.detail["replaces"]) == (Kind.REISSUED, old.code)
    with pytest.raises(ValidationError, match="Only a valid certificate"):
        issuing.reissue(old, certifying_officer, "Again.")


def test_the_log_is_append_only(completed, certifying_officer):
    certificate = issuing.issue(completed, certifying_officer)
    event = certificate.events.get()
    event.reason = "rewritten"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        CertificateEvent.objects.all().delete()
    with pytest.raises(TypeError, match="append-only"):
        CertificateEvent.objects.update(reason="x")
    assert CertificateEvent.objects.get().reason == ""


def test_eligibility_queries_do_not_grow_with_the_cohort(
    django_assert_max_num_queries, cohort, completed, organisation
):
    from tests.factories import UserFactory as Users

    def count():
        with django_assert_max_num_queries(20) as context:
            issuing.cohort_eligibility(cohort)
        return len(context.captured_queries)

    small = count()
    for _ in range(8):
        Enrolment.objects.create(cohort=cohort, trainee=Users(organisation=organisation))
    assert count() == small
