"""The public verification page: whoever is shown a certificate (an employer, an admissions
office) types its code or scans its QR and sees whether it is still good.

Nobody logs in here, so the page says the minimum: the state, what was completed, with
whom, when, the hours and the credits, and the holder's name only if the holder agreed.
What was achieved comes from the snapshot frozen at issue; only what may change after issue
(the status, its date, the expiry) is read from the record, on every request, never cached.

Codes carry 60 random bits, so guessing one is hopeless; the rate limit keeps a flood from
hurting the site, and the "not found" answer is the same whether or not the code was well
formed, so it teaches a guesser nothing about the format either.
"""

import datetime

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_ratelimit.core import is_ratelimited

from ..models.issued import Certificate, normalise_code

# The lookup form and the certificate page count against one budget per visitor.
RATE_GROUP = "certificates.verify"

# Longest text the lookup form passes on: a code is 14 characters, a careless paste more.
MAX_TYPED = 40

# No script from elsewhere and no network request from ours: the PDF check promises the
# file never leaves the visitor's device, and ``connect-src 'none'`` makes the browser keep
# that promise even if someone slipped other code into the page.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _rate(group, request):
    # Read on each request, so a changed setting (or a test's) applies at once.
    return settings.CERTIFICATES_VERIFY_RATE


def _over_limit(request, *, count=True):
    """True when this visitor has used up the budget.

    The key is the connecting IP address (``REMOTE_ADDR``). Behind a reverse proxy every
    visitor arrives from the proxy's address and would share one budget: there, set
    ``RATELIMIT_IP_META_KEY`` to the header the proxy itself writes with the client's
    address (for example ``HTTP_X_REAL_IP``), never one a visitor can send unchecked.
    """
    return is_ratelimited(request, group=RATE_GROUP, key="ip", rate=_rate, increment=count)


def _public(response):
    """Headers every answer of this module carries, found or not."""
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    # Codes are in the address: keep them out of Referer headers and out of search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _too_many(request):
    response = render(request, "certificates/verify/too_many.html", status=429)
    response["Retry-After"] = "60"
    return _public(response)


def _not_found(request, typed):
    return _public(
        render(request, "certificates/verify/not_found.html", {"typed": typed}, status=404)
    )


def _find(code):
    """The certificate with this code, or None, in one query. The PDF bytes stay in the
    database: the page needs only their hash."""
    return (
        Certificate.objects.select_related("superseded_by")
        .defer("pdf", "superseded_by__pdf", "superseded_by__snapshot")
        .filter(code=code)
        .first()
    )


def _date(value):
    """A date from the snapshot (ISO text), or None."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _credits(snapshot):
    return [
        {
            "framework": item.get("framework", ""),
            "short_name": item.get("short_name", ""),
            "credits": item.get("credits"),
            "credit_name": item.get("credit_name", ""),
            "level": item.get("level", ""),
            "total_hours": item.get("total_hours"),
            "is_recognised": item.get("basis") == "recognised",
            "recognised_by": item.get("recognised_by", ""),
            "agreement_reference": item.get("agreement_reference", ""),
            "agreed_on": _date(item.get("agreed_on")),
        }
        for item in snapshot.get("credits", [])
    ]


def _state_date(certificate, state):
    if state == "expired":
        return certificate.expires_on
    if state in {"revoked", "superseded"} and certificate.status_changed_at:
        return timezone.localdate(certificate.status_changed_at)
    return None


def public_facts(certificate):
    """What the page may tell anyone about ``certificate``. Nothing else reaches the
    template, so a later change to it cannot leak the reason for a revocation, the
    attendance or the holder's account by accident."""
    snapshot = certificate.snapshot or {}
    state = certificate.public_state
    newer = certificate.superseded_by if state == "superseded" else None
    organisation = snapshot.get("organisation", {})
    return {
        "code": certificate.code,
        "state": state,
        "state_date": _state_date(certificate, state),
        "newer_code": newer.code if newer else None,
        "holder_name": (
            snapshot.get("holder", {}).get("name") if certificate.name_public else None
        ),
        "programme": snapshot.get("programme", {}).get("title", ""),
        "organisation": organisation.get("name", ""),
        "place": ", ".join(p for p in (organisation.get("city"), organisation.get("country")) if p),
        "issued_on": _date(snapshot.get("issued_on")),
        # The record's date, not the snapshot's: it is the one that decides "expired".
        "valid_until": certificate.expires_on,
        "hours": snapshot.get("hours", {}).get("planned"),
        "credits": _credits(snapshot),
        "pdf_sha256": certificate.pdf_sha256,
    }


def _cleaned(typed):
    """Letters and digits only: safe in an address whatever was pasted."""
    return "".join(ch for ch in typed.upper() if ch.isascii() and ch.isalnum())[:MAX_TYPED]


@require_safe
@never_cache
def lookup(request):
    """The "Check a certificate" page: one box for the code; submitting leads to its page.

    Whatever was typed goes on to that page, well formed or not, so that both answers come
    from the same place and look alike. Showing the empty form does not use up the budget;
    each submitted code does."""
    typed = request.GET.get("code", "").strip()
    if not typed:
        if _over_limit(request, count=False):
            return _too_many(request)
        return _public(render(request, "certificates/verify/lookup.html"))
    if _over_limit(request):
        return _too_many(request)
    code = normalise_code(typed) or _cleaned(typed)
    if not code:  # only punctuation: nothing to put in an address
        return _not_found(request, typed[:MAX_TYPED])
    return redirect("certificates:verify", code=code)


@require_safe
@never_cache
def certificate_page(request, code):
    """The state of one certificate, for anyone holding its code."""
    if _over_limit(request):
        return _too_many(request)
    normalised = normalise_code(code)
    # A malformed code runs the same query (for a code no certificate can have), so it is
    # answered on the same path and in about the same time as a well-formed unknown one.
    certificate = _find(normalised or "")
    if certificate is None:
        return _not_found(request, code[:MAX_TYPED])
    context = {"facts": public_facts(certificate)}
    return _public(render(request, "certificates/verify/certificate.html", context))


urlpatterns = [
    path("verify/", lookup, name="verify_lookup"),
    path("verify/<str:code>/", certificate_page, name="verify"),
]
