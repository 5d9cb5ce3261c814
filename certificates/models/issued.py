"""Issued certificates, the log of everything done to them, and bulk issuing runs.

A certificate is a frozen record. Its ``snapshot`` holds what was achieved (programme,
sessions, hours, attendance, learning outcomes, credits with their basis, dates, issuer and
the template's wording) as it was on the day of issue, and its PDF is rendered once from
that snapshot and stored with its SHA-256. Nothing that changes later (a template, a
programme, a person's name) reaches an issued certificate: a correction is a new
certificate that supersedes the old one.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# Crockford's base 32 without I, L, O and U: nothing to confuse when typed from paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits: guessing one valid code is hopeless at any request rate


def new_code():
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(typed):
    """What someone typed or scanned, as a stored code: case, spaces and dashes forgiven,
    and the letters people confuse with digits read as those digits."""
    cleaned = "".join(ch for ch in str(typed).upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return "-".join(cleaned[i : i + 4] for i in range(0, CODE_LENGTH, 4))


class CertificateManager(models.Manager):
    # Lists never need the PDF bytes; opening one certificate's ``pdf`` loads them.
    def get_queryset(self):
        return super().get_queryset().defer("pdf")


class CertificateQuerySet(models.QuerySet):
    def current(self):
        return self.filter(status=Certificate.Status.VALID)

    def for_register(self):
        return self.select_related(
            "holder", "programme", "organisation", "cohort", "issued_by", "superseded_by"
        )


class Certificate(models.Model):
    """A certificate issued to one trainee for one enrolment."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Replaced by a newer certificate")

    code = models.CharField(_("code"), max_length=14, unique=True, default=new_code)
    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.PROTECT, related_name="certificates"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    # Kept for filtering the register; the certificate itself reads only the snapshot.
    cohort = models.ForeignKey(
        "training.Cohort", on_delete=models.PROTECT, related_name="certificates"
    )
    programme = models.ForeignKey(
        "curriculum.ProgrammePage",
        on_delete=models.SET_NULL,
        null=True,
        related_name="certificates",
    )
    organisation = models.ForeignKey(
        "training.Organisation", on_delete=models.PROTECT, related_name="certificates"
    )
    template = models.ForeignKey(
        "certificates.CertificateTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    holder_name = models.CharField(_("name on the certificate"), max_length=300)
    snapshot = models.JSONField(_("what was achieved"), editable=False)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="certificates_issued",
    )
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    # The PDF lives in the same row as the record, so the two are written in one
    # transaction: a certificate is never issued without its file, or the reverse. It is
    # personal data, served only by views that check who is asking.
    pdf = models.BinaryField(editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
    )
    # The holder's choice: the public verification page shows their name only if they agree.
    name_public = models.BooleanField(_("show my name to people who check it"), default=False)
    # Salt for the hashed recipient identity in the Open Badge.
    badge_salt = models.CharField(max_length=64, default=secrets.token_hex)

    objects = CertificateManager.from_queryset(CertificateQuerySet)()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        permissions = [
            ("issue_certificate", _("Can issue, revoke and re-issue certificates")),
        ]
        constraints = [
            # Issuing twice is refused by the database as well as by the form.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(status="valid"),
                name="one_valid_certificate_per_enrolment",
            ),
        ]
        indexes = [models.Index(fields=["status", "issued_at"])]

    def __str__(self):
        return f"{self.code} · {self.holder_name}"

    @property
    def is_expired(self):
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def public_state(self):
        """What the verification page says: valid, expired, revoked or superseded."""
        if self.status != self.Status.VALID:
            return self.status
        return "expired" if self.is_expired else "valid"

    @cached_property
    def credits(self):
        return self.snapshot.get("credits", [])

    @property
    def programme_title(self):
        return self.snapshot.get("programme", {}).get("title", "")

    @property
    def filename(self):
        return f"certificate-{self.code}.pdf"


class CertificateEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The certificate log is append-only.")

    def delete(self):
        raise TypeError("The certificate log is append-only.")


class CertificateEvent(models.Model):
    """One line of the certificate log. Lines are only ever added: the log is the history
    a certifying body may ask for, so saving an existing line or deleting one is refused."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REISSUED = "reissued", _("Re-issued")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Replaced")
        PDF_DOWNLOADED = "pdf", _("PDF downloaded")
        BADGE_DOWNLOADED = "badge", _("Open Badge downloaded")
        NAME_SHOWN = "name_shown", _("Holder agreed to show their name")
        NAME_HIDDEN = "name_hidden", _("Holder hid their name")

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = CertificateEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate log")

    def __str__(self):
        return f"{self.certificate.code}: {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("The certificate log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The certificate log is append-only.")


class IssueRun(models.Model):
    """A certifying officer's request to issue a whole cohort's certificates, carried out
    by the background worker (django-tasks, database backend). The page polls it for
    progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Issuing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Stopped by an error")

    cohort = models.ForeignKey("training.Cohort", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The enrolments the officer reviewed and ticked: only these are issued.
    enrolment_ids = models.JSONField(default=list)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # Per enrolment that was not issued: {"enrolment": id, "name": ..., "message": ...}.
    problems = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bulk issue")
        verbose_name_plural = _("bulk issues")

    def __str__(self):
        return f"{self.cohort}: {self.issued}/{self.total}"

    @property
    def is_finished(self):
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self):
        if not self.total:
            return 100 if self.is_finished else 0
        return round(100 * (self.issued + self.skipped) / self.total)
