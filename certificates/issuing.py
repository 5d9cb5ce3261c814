"""Issuing, revoking and re-issuing certificates.

A person always signs off: ``issue`` needs the certifying officer who issues, and is only
called from their pages (one trainee, or a cohort they reviewed and ticked, issued by the
background worker). Each call is all or nothing: the PDF file, the certificate row and the
log line land together, or none of them does and the file is removed again.

Eligibility is the programme's completion rule, as ``training.completion`` computes it at
the moment of issue, not the stored progress row, so a mark changed a minute ago counts.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from curriculum.models import ProgrammeLearningOutcome, SessionLearningOutcome
from training.completion import progress_for
from training.models import Enrolment

from .access import can_issue
from .credits import programme_credit_summary
from .models import Certificate, CertificateEvent, CertificateTemplate, CreditFramework
from .models.templates import DEFAULT_STATEMENT, DEFAULT_TITLE

SNAPSHOT_VERSION = 1
Kind = CertificateEvent.Kind


class NotEligible(ValidationError):
    """The trainee cannot receive a certificate (yet): the message says why."""


def verify_url(code):
    from django.conf import settings

    return settings.CERTIFICATES_BASE_URL.rstrip("/") + reverse("certificates:verify", args=[code])


def person_name(user):
    return user.get_full_name() or user.username


# --- eligibility ----------------------------------------------------------------------------


@dataclass
class Eligibility:
    enrolment: Enrolment
    progress: object
    certificate: Certificate | None  # the valid one already issued, if any

    @property
    def is_eligible(self):
        return self.certificate is None and self.reason is None

    @property
    def reason(self):
        """Why not, in words for the officer; None when eligible (or already issued)."""
        if self.enrolment.status == Enrolment.Status.WITHDRAWN:
            return _("Left the programme.")
        if not self.progress.is_complete:
            return _("Has not met the completion rule yet (%(percent)s%% attendance).") % {
                "percent": self.progress.attendance_percent
            }
        return None


def eligibility(enrolments):
    """Eligibility of each enrolment, in a fixed number of queries."""
    enrolments = list(enrolments)
    issued = {
        c.enrolment_id: c for c in Certificate.objects.current().filter(enrolment__in=enrolments)
    }
    return [
        Eligibility(progress.enrolment, progress, issued.get(progress.enrolment.pk))
        for progress in progress_for(enrolments)
    ]


def cohort_eligibility(cohort):
    enrolments = cohort.enrolments.select_related("trainee", "cohort__programme").order_by(
        "trainee__first_name", "trainee__last_name", "trainee__username"
    )
    return eligibility(enrolments)


# --- the snapshot ---------------------------------------------------------------------------

# The signatory words of the platform default template (certificates migration 0004),
# listed so that the catalogues translate them.
BUILT_IN_ROLES = (
    gettext_noop("Programme lead"),
    gettext_noop("On behalf of the training organisation"),
)


def template_for(organisation, language):
    """The organisation's template in this language, else its English one, else the
    platform default in this language, else in English, else the built-in wording.

    An English template chosen for a cohort in a language the platform is translated
    into gives the built-in wording in that language, with the template's logo,
    signatories and validity: the certificate reads in one language, the trainee's."""
    candidates = CertificateTemplate.objects.filter(
        organisation__in=[organisation] if organisation else [], language__in=[language, "en"]
    ) | CertificateTemplate.objects.filter(organisation=None, language__in=[language, "en"])
    ranked = sorted(
        candidates.select_related("logo"),
        key=lambda t: (t.organisation_id is None, t.language != language),
    )
    if ranked and (ranked[0].language == language or not _has_built_in_wording(language)):
        return ranked[0]
    return _built_in_wording(language, ranked[0] if ranked else None)


def _has_built_in_wording(language):
    with translation.override(language):
        return language == "en" or _(DEFAULT_TITLE) != DEFAULT_TITLE


def _built_in_wording(language, look=None):
    """An unsaved template with the built-in title and statement in ``language``, and the
    logo, signatories, footer and validity of ``look`` when given. Signatory words the
    interface knows, such as the platform default's "Programme lead", are translated."""

    def known(words):
        return _(words) if words else ""

    with translation.override(language):
        template = CertificateTemplate(
            language=language,
            title=_(DEFAULT_TITLE),
            statement=_(DEFAULT_STATEMENT),
            signatory_name="",
            signatory_role="",
        )
        if look is not None:
            template.organisation = look.organisation
            template.logo = look.logo
            template.signatory_name = known(look.signatory_name)
            template.signatory_role = known(look.signatory_role)
            template.second_signatory_name = known(look.second_signatory_name)
            template.second_signatory_role = known(look.second_signatory_role)
            template.footer = look.footer
            template.valid_for_months = look.valid_for_months
    return template


def _decimal(value):
    """A decimal as plain text without trailing zeros: 30.0 -> "30", 7.50 -> "7.5"."""
    if value is None:
        return None
    return format(Decimal(value).normalize(), "f")


def _date(value):
    return value.isoformat() if value else None


def _credits(summary):
    urls = dict(
        CreditFramework.objects.filter(pk__in=[item.framework_id for item in summary]).values_list(
            "pk", "url"
        )
    )
    return [
        {
            "framework": item.framework,
            "short_name": item.short_name,
            "credit_name": item.credit_name,
            "basis": item.basis,
            "credits": _decimal(item.credits),
            "level": item.level,
            "contact_hours": _decimal(item.contact_hours),
            "self_study_hours": _decimal(item.self_study_hours),
            "placement_hours": _decimal(item.placement_hours),
            "total_hours": _decimal(item.total_hours),
            "outcomes": item.outcomes,
            "recognised_by": item.recognised_by,
            "agreement_reference": item.agreement_reference,
            "agreed_on": _date(item.agreed_on),
            "valid_from": _date(item.valid_from),
            "valid_until": _date(item.valid_until),
            "url": urls.get(item.framework_id, ""),
        }
        for item in summary
    ]


def _how(session):
    if session.caught_up:
        return "caught_up"
    if session.attended:
        return "attended"
    return "missed"


class IssueContext:
    """What every certificate of one programme shares (outcomes, credits, the template),
    read once per run instead of once per certificate. One context serves one request or
    one bulk run: it must not outlive it, or later edits would be missed."""

    def __init__(self):
        self._memo = {}

    def _get(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def session_outcomes(self, plan_ids):
        def compute():
            found = {}
            for plan_id, text in (
                SessionLearningOutcome.objects.filter(page__in=plan_ids)
                .order_by("sort_order", "pk")
                .values_list("page_id", "text")
            ):
                found.setdefault(plan_id, []).append(text)
            return found

        return self._get(("session_outcomes", tuple(plan_ids)), compute)

    def programme_outcomes(self, programme):
        return self._get(
            ("programme_outcomes", programme.pk),
            lambda: list(
                ProgrammeLearningOutcome.objects.filter(page=programme)
                .order_by("sort_order", "pk")
                .values_list("text", flat=True)
            ),
        )

    def credits(self, programme, on):
        return self._get(
            ("credits", programme.pk, on),
            lambda: _credits(programme_credit_summary(programme, on)),
        )

    def template(self, organisation, language):
        return self._get(
            ("template", organisation.pk, language), lambda: template_for(organisation, language)
        )


def build_snapshot(progress, template, *, holder_name, officer, issued_on, expires_on, shared=None):
    """Everything the certificate states, as plain JSON values, frozen at issue."""
    shared = shared or IssueContext()
    enrolment = progress.enrolment
    cohort = enrolment.cohort
    programme = cohort.programme
    organisation = cohort.organisation
    session_outcomes = shared.session_outcomes([s.plan.pk for s in progress.sessions])
    sessions = [
        {
            "number": s.plan.number,
            "title": s.plan.title,
            "minutes": s.plan.planned_duration,
            "date": _date(timezone.localdate(s.scheduled.starts_at) if s.scheduled else None),
            "how": _how(s),
            "outcomes": session_outcomes.get(s.plan.pk, []),
        }
        for s in progress.sessions
    ]
    planned_minutes = sum(s["minutes"] for s in sessions)
    attended_minutes = sum(s["minutes"] for s in sessions if s["how"] != "missed")
    outcomes = shared.programme_outcomes(programme)
    completed = enrolment.completed_at or timezone.now()
    hours = Decimal(planned_minutes) / 60
    fields = {
        "name": holder_name,
        "programme": programme.title,
        "organisation": organisation.name,
        "hours": _decimal(round(hours, 1)),
        "date": issued_on.isoformat(),
    }
    return {
        "version": SNAPSHOT_VERSION,
        "holder": {"name": holder_name},
        "programme": {"id": programme.pk, "title": programme.title},
        "organisation": {
            "name": organisation.name,
            "city": organisation.city,
            "country": organisation.country,
        },
        "cohort": {
            "name": cohort.name,
            "starts_on": _date(cohort.starts_on),
            "ends_on": _date(cohort.ends_on),
        },
        "completed_on": _date(timezone.localdate(completed)),
        "issued_on": issued_on.isoformat(),
        "expires_on": _date(expires_on),
        "sessions": sessions,
        "hours": {
            "planned": _decimal(round(hours, 1)),
            "attended": _decimal(round(Decimal(attended_minutes) / 60, 1)),
        },
        "attendance": {
            "counted": progress.sessions_counted,
            "planned": progress.sessions_planned,
            "percent": progress.attendance_percent,
        },
        "learning_outcomes": outcomes,
        "completion_rule": {
            "min_attendance_percent": progress.rule.min_attendance_percent,
            "worksheets": progress.rule.worksheets,
            "assessments": progress.rule.assessments,
        },
        "credits": shared.credits(programme, issued_on),
        "issuer": {"organisation": organisation.name, "officer": person_name(officer)},
        "template": {
            "language": template.language,
            "title": template.title,
            "statement": template.statement.format(**fields),
            "signatories": [
                {"name": name, "role": role}
                for name, role in (
                    (template.signatory_name, template.signatory_role),
                    (template.second_signatory_name, template.second_signatory_role),
                )
                if name
            ],
            "footer": template.footer,
            "logo": template.logo.file.name if template.logo_id else None,
        },
    }


def _expiry(template, issued_on):
    months = template.valid_for_months
    if not months:
        return None
    month = issued_on.month - 1 + months
    year, month = issued_on.year + month // 12, month % 12 + 1
    day = min(issued_on.day, 28)  # a certificate valid to 31 February ends on the 28th
    return datetime.date(year, month, day)


# --- issuing --------------------------------------------------------------------------------


def _check_officer(officer, cohort):
    if not can_issue(officer, cohort):
        raise PermissionDenied(
            _("Only a certifying officer of %(organisation)s may do this.")
            % {"organisation": cohort.organisation}
        )


def _create(progress, officer, *, holder_name, kind, reason="", detail=None, shared=None):
    """Render, store and log one certificate: all of it, or none."""
    from .pdf import render_certificate

    shared = shared or IssueContext()
    enrolment = progress.enrolment
    cohort = enrolment.cohort
    template = shared.template(cohort.organisation, cohort.language)
    now = timezone.now()
    issued_on = timezone.localdate(now)
    expires_on = _expiry(template, issued_on)
    certificate = Certificate(
        enrolment=enrolment,
        holder=enrolment.trainee,
        cohort=cohort,
        programme=cohort.programme,
        organisation=cohort.organisation,
        template=template if template.pk else None,
        language=template.language,
        holder_name=holder_name,
        issued_at=now,
        issued_by=officer,
        expires_on=expires_on,
    )
    certificate.snapshot = build_snapshot(
        progress,
        template,
        holder_name=holder_name,
        officer=officer,
        issued_on=issued_on,
        expires_on=expires_on,
        shared=shared,
    )
    certificate.pdf = render_certificate(certificate)
    certificate.pdf_sha256 = hashlib.sha256(certificate.pdf).hexdigest()
    try:
        with transaction.atomic():
            certificate.save()
            CertificateEvent.objects.create(
                certificate=certificate,
                kind=kind,
                actor=officer,
                at=now,
                reason=reason,
                detail={"sha256": certificate.pdf_sha256, **(detail or {})},
            )
    except IntegrityError:
        raise NotEligible(
            _("%(name)s already has a valid certificate for this programme.")
            % {"name": holder_name}
        ) from None
    return certificate


def issue(enrolment, officer, *, holder_name=None, state=None, shared=None):
    """Issue the enrolment's certificate, signed off by ``officer``. Refuses with a clear
    message when the officer may not, the trainee is not eligible, or already has one.

    A bulk run passes the ``state`` it computed for many enrolments at once and a ``shared``
    context, so each certificate does not recompute what the whole cohort has in common."""
    cohort = enrolment.cohort
    _check_officer(officer, cohort)
    if state is None:
        (state,) = eligibility([enrolment])
    if state.certificate is not None:
        raise NotEligible(
            _("%(name)s already has a valid certificate for this programme.")
            % {"name": person_name(enrolment.trainee)}
        )
    if state.reason:
        raise NotEligible(
            _("%(name)s cannot receive a certificate: %(reason)s")
            % {"name": person_name(enrolment.trainee), "reason": state.reason}
        )
    name = (holder_name or person_name(enrolment.trainee)).strip()
    return _create(state.progress, officer, holder_name=name, kind=Kind.ISSUED, shared=shared)


def _require_reason(reason, what):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the certificate is %(what)s.") % {"what": what})
    return reason


def revoke(certificate, officer, reason):
    """Withdraw a valid certificate. The reason is required and kept in the log."""
    _check_officer(officer, certificate.cohort)
    reason = _require_reason(reason, _("revoked"))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != Certificate.Status.VALID:
            raise ValidationError(
                _("This certificate is already %(state)s.")
                % {"state": locked.get_status_display().lower()}
            )
        now = timezone.now()
        locked.status = Certificate.Status.REVOKED
        locked.status_changed_at = now
        locked.status_reason = reason
        locked.save(update_fields=["status", "status_changed_at", "status_reason"])
        CertificateEvent.objects.create(
            certificate=locked, kind=Kind.REVOKED, actor=officer, at=now, reason=reason
        )
    certificate.refresh_from_db()
    return certificate


def reissue(certificate, officer, reason, *, holder_name=None):
    """Replace a valid certificate with a new one (a corrected name, say). The old one
    becomes "superseded" and points at the new one; both get a log line."""
    _check_officer(officer, certificate.cohort)
    reason = _require_reason(reason, _("re-issued"))
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status != Certificate.Status.VALID:
            raise ValidationError(_("Only a valid certificate can be re-issued."))
        now = timezone.now()
        # Free the "one valid certificate" slot before the new one takes it.
        old.status = Certificate.Status.SUPERSEDED
        old.status_changed_at = now
        old.status_reason = reason
        old.save(update_fields=["status", "status_changed_at", "status_reason"])
        enrolment = Enrolment.objects.select_related(
            "trainee", "cohort__programme", "cohort__organisation"
        ).get(pk=old.enrolment_id)
        (progress,) = progress_for([enrolment])
        name = (holder_name or old.holder_name).strip()
        new = _create(
            progress,
            officer,
            holder_name=name,
            kind=Kind.REISSUED,
            reason=reason,
            detail={"replaces": old.code},
        )
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
        CertificateEvent.objects.create(
            certificate=old,
            kind=Kind.SUPERSEDED,
            actor=officer,
            at=now,
            reason=reason,
            detail={"replaced_by": new.code},
        )
    return new


def record(certificate, kind, user, **detail):
    """Add a line to the log (downloads, the holder's choices)."""
    return CertificateEvent.objects.create(
        certificate=certificate,
        kind=kind,
        actor=user if user.is_authenticated else None,
        detail=detail,
    )
