"""The register of issued certificates as a spreadsheet (CSV or XLSX), and the words a
register row uses for a certificate's state and credits.

The rows come from a django-import-export resource over the register's filtered queryset
(one query, read in chunks, whatever the number of certificates); the files are written by
``training.exports``, which makes formula-looking cells harmless (a name typed as
``=HYPERLINK(...)`` stays text in Excel and LibreOffice) and puts a byte order mark on CSV
so accented names open correctly.
"""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from training.exports import CONTENT_TYPES, render

from .issuing import person_name, verify_url
from .models import Certificate

__all__ = ["CONTENT_TYPES", "credits_summary", "register_file", "state_text"]

# Control characters that XLSX cannot hold; a pasted name may carry one.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
BASIS_WORDS = {
    "indicative": gettext_lazy("indicative"),
    "recognised": gettext_lazy("recognised"),
}


def credits_summary(credits):
    """One line for a snapshot's credits: '2 ECTS (indicative) · 4 RQF (recognised)'.
    A levels-only framework (EQF) shows its level instead of a number."""
    parts = []
    for item in credits or ():
        basis = BASIS_WORDS.get(item.get("basis"), item.get("basis", ""))
        if item.get("credits") is not None:
            amount = f"{item['credits']} {item.get('short_name', '')}"
        elif item.get("level"):
            amount = _("%(framework)s level %(level)s") % {
                "framework": item.get("short_name", ""),
                "level": item["level"],
            }
        else:
            amount = item.get("short_name", "")
        parts.append(f"{amount} ({basis})")
    return " · ".join(parts)


def local_day(moment):
    return timezone.localdate(moment) if moment else None


def state_text(certificate):
    """The state in a few words, with its date: 'Revoked on 2026-03-04'."""
    state = certificate.public_state
    if state == "valid":
        if certificate.expires_on:
            return _("Valid until %(date)s") % {"date": certificate.expires_on.isoformat()}
        return _("Valid")
    if state == "expired":
        return _("Expired on %(date)s") % {"date": certificate.expires_on.isoformat()}
    changed = local_day(certificate.status_changed_at)
    on = changed.isoformat() if changed else ""
    if state == "revoked":
        return _("Revoked on %(date)s") % {"date": on}
    return _("Replaced on %(date)s") % {"date": on}


class RegisterResource(resources.ModelResource):
    """One row per certificate, as the register page lists them (``filters.register_queryset``
    gives the queryset with the programme title and credits already picked out)."""

    code = fields.Field(attribute="code", column_name=gettext_lazy("Code"))
    name = fields.Field(attribute="holder_name", column_name=gettext_lazy("Name on certificate"))
    programme = fields.Field(attribute="programme_name", column_name=gettext_lazy("Programme"))
    organisation = fields.Field(
        attribute="organisation__name", column_name=gettext_lazy("Organisation")
    )
    cohort = fields.Field(attribute="cohort__name", column_name=gettext_lazy("Cohort"))
    issued_on = fields.Field(column_name=gettext_lazy("Issued on"))
    issued_by = fields.Field(column_name=gettext_lazy("Issued by"))
    valid_until = fields.Field(column_name=gettext_lazy("Valid until"))
    state = fields.Field(column_name=gettext_lazy("State"))
    replaced_by = fields.Field(
        attribute="replaced_by_code", column_name=gettext_lazy("Replaced by")
    )
    credits = fields.Field(column_name=gettext_lazy("Credits"))
    verification = fields.Field(column_name=gettext_lazy("Verification page"))

    class Meta:
        model = Certificate
        fields = export_order = (
            "code",
            "name",
            "programme",
            "organisation",
            "cohort",
            "issued_on",
            "issued_by",
            "valid_until",
            "state",
            "replaced_by",
            "credits",
            "verification",
        )
        # Rows are read from the database this many at a time, not all at once.
        chunk_size = 500

    def dehydrate_issued_on(self, certificate):
        return local_day(certificate.issued_at)

    def dehydrate_issued_by(self, certificate):
        return person_name(certificate.issued_by) if certificate.issued_by_id else ""

    def dehydrate_valid_until(self, certificate):
        return certificate.expires_on

    def dehydrate_state(self, certificate):
        return state_text(certificate)

    def dehydrate_credits(self, certificate):
        return credits_summary(certificate.credit_list)

    def dehydrate_verification(self, certificate):
        return verify_url(certificate.code)

    def export_field(self, field, instance, **kwargs):
        # Dates come from the dehydrate methods as dates, so XLSX gets real date cells.
        value = super().export_field(field, instance, **kwargs)
        return UNWRITABLE.sub("", value) if isinstance(value, str) else value


def register_file(queryset, fmt):
    """The filtered register as CSV or XLSX bytes."""
    dataset = RegisterResource().export(queryset)
    return render(dataset, fmt, title=_("Certificates"))
