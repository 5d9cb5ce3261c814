"""Open Badges 3.0: the badge download, and the public documents verifiers fetch.

- ``certificates/<code>/badge/``: the signed badge (a ``.jwt`` file) for the people who may
  open the certificate: its holder, and the certifying officers and programme managers of
  its organisation. A revoked or replaced certificate gets a page that says so instead: its
  badge would only ever fail to verify, and a replaced certificate's holder should take the
  new one.
- ``badges/issuers/<id>/``: the organisation as an Open Badges issuer profile.
- ``badges/issuers/<id>/did.json``: the DID document its ``did:web`` identifier resolves to,
  with the public key that checks the badges.
- ``badges/issuers/<id>/revocations/``: its signed Bitstring Status List. It is built on
  every request (one query), so a revocation shows at once here; shared caches may keep it
  for a minute.

The three public documents allow any origin to read them: wallets and verifier pages fetch
them from the visitor's browser. All Open Badges work is done by ``certificates.badges``.
"""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_safe

from training.models import Organisation

from .. import badges, issuing
from ..access import certificate_for
from ..models import Certificate, CertificateEvent

PUBLIC_MAX_AGE = 60


@login_required
@require_GET  # not HEAD: every answer here is logged as a download
def download(request, code):
    certificate = certificate_for(request, code)
    if certificate.status != Certificate.Status.VALID:
        return render(
            request,
            "certificates/badges/unavailable.html",
            {
                "certificate": certificate,
                "verify_link": issuing.verify_url(certificate.code),
                "replaced_by": certificate.superseded_by if certificate.superseded_by_id else None,
            },
            status=410,
        )
    token = badges.badge_for(certificate)
    issuing.record(
        certificate, CertificateEvent.Kind.BADGE_DOWNLOADED, request.user, format="vc+jwt"
    )
    response = HttpResponse(token, content_type=badges.MEDIA_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=badges.badge_filename(certificate)
    )
    # Personal data: no shared cache or browser history should keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def _public(body, content_type):
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(document, content_type="application/json"):
    return _public(json.dumps(document, indent=2, ensure_ascii=False), content_type)


def _organisation(organisation):
    found = Organisation.objects.filter(pk=organisation).first()
    if found is None:
        raise Http404("No such issuer.")
    return found


@require_safe
def issuer(request, organisation):
    return _json(badges.issuer_profile(_organisation(organisation)))


@require_safe
def did_document(request, organisation):
    _organisation(organisation)
    return _json(badges.did_document(organisation), "application/did+json")


@require_safe
def status_list(request, organisation):
    if not Organisation.objects.filter(pk=organisation).exists():
        raise Http404("No such issuer.")
    return _public(badges.status_list_credential(organisation), badges.MEDIA_TYPE)


urlpatterns = [
    path("certificates/<str:code>/badge/", download, name="badge"),
    path("badges/issuers/<int:organisation>/", issuer, name="badge_issuer"),
    path("badges/issuers/<int:organisation>/did.json", did_document, name="badge_did"),
    path(
        "badges/issuers/<int:organisation>/revocations/",
        status_list,
        name="badge_status_list",
    ),
]
