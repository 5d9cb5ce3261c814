"""Open Badges 3.0 for certificates: the one module that uses openbadgeslib.

openbadgeslib (pinned in pyproject.toml) is imported here and nowhere else, so an upgrade is
checked against this file and ``tests/certificates/test_badges.py``. The views, the
management command and the tests only call the functions below.

Choices, and why:

- **Format.** A badge is a compact JWT-VC (``.jwt``): the credential is the JWT payload,
  signed with the issuer's key (Open Badges 3.0, section 8.2). It is the proof format the
  library both signs and verifies with its base install; the other format (an embedded
  Data Integrity proof in a ``.json`` file) needs an optional extra.
- **Key.** RSA 2048 with RS256 for new keys. Open Badges 3.0 makes RS256 the one algorithm
  every verifier must support, and it is the library's default; Ed25519 would limit which
  verifiers can check our badges. A key file of another kind the library can sign with
  (Ed25519, P-256) is still used if an administrator provides one. The private key lives
  only in the file named by ``settings.OPEN_BADGES_KEY_FILE``, never in the database or
  the repository.
- **Issuer.** Each partner organisation is the issuer of its certificates, with a
  ``did:web`` identifier under this site, by organisation id (ids never change, names and
  slugs may): ``did:web:<host>:badges:issuers:<id>``. Verifiers resolve it to
  ``https://<host>/badges/issuers/<id>/did.json``, a DID document with the public key, the
  method verifiers of JWT badges accept and the library resolves itself. The platform holds
  one signing key and signs for every organisation, as hosted badge services do; every DID
  document lists that key. ``/badges/issuers/<id>/`` serves the organisation's Open Badges
  profile for people and tools that want the name and place.
- **Recipient.** Identified by a salted SHA-256 hash (``sha256$...``), never in clear: of
  the holder's e-mail address (trimmed, lower case) when they have one, else of their
  username. The salt is ``certificate.badge_salt`` and travels in the badge, as Open
  Badges intends: someone who already knows the address can check it, nobody can read it.
- **Status.** Each credential points at bit ``certificate.pk`` of its organisation's
  Bitstring Status List (purpose "revocation"). A revoked certificate sets its bit, and so
  does a superseded one: a badge can only say "still good" or "not", and the old badge of a
  re-issued certificate no longer stands for what the organisation certifies. Its holder
  downloads the new one.

Everything the badge states about the achievement comes from the certificate's frozen
snapshot; only the recipient's address, the status and the organisation id are read from
the records.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, Subquery
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openbadgeslib.errors import UnknownKeyType
from openbadgeslib.keys import (
    KeyRSA,
    alg_for_key_type,
    detect_key_type,
    public_jwk_from_pem,
)
from openbadgeslib.ob3 import (
    Achievement,
    Alignment,
    Evidence,
    IdentityObject,
    Issuer,
    OB3Signer,
    OB3VerificationError,
    OB3Verifier,
    OpenBadgeCredential,
    Result,
    ResultDescription,
    build_did_document,
    build_status_list_credential,
    decode_encoded_list,
    did_web_from_url,
    set_indices,
    status_entry,
)
from openbadgeslib.ob3.status_list import DEFAULT_SIZE_BITS
from openbadgeslib.verify import issuer_did_from_token

from .issuing import verify_url
from .models import Certificate

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/vc+jwt"
KEY_FRAGMENT = "badge-signing-key"
STATUS_PURPOSE = "revocation"
# Certificates whose badge must no longer verify (see the module docstring).
WITHDRAWN = (Certificate.Status.REVOKED, Certificate.Status.SUPERSEDED)
# A verifier's clock may run a little behind ours; a list signed "from now" would look
# not yet valid to it for those seconds.
CLOCK_MARGIN = datetime.timedelta(minutes=5)
# How long a published status list counts. Lists are signed afresh on every request, so
# this only bounds how long a stale copy (from a cache, or replayed) can hide a revocation.
STATUS_LIST_LIFETIME = datetime.timedelta(hours=1)
STATUS_LIST_REFRESH_SECONDS = 60


def badge_filename(certificate):
    return f"certificate-{certificate.code}-badge.jwt"


# --- the signing key ------------------------------------------------------------------------


class SigningKeyMissing(ImproperlyConfigured):
    """There is no badge signing key and this server may not make one by itself."""


def key_path():
    return Path(settings.OPEN_BADGES_KEY_FILE)


def may_create_key():
    """Development and the test suite make a key the first time one is needed; a public
    server never does, so a lost or unmounted key file cannot silently become a new key
    (which would make every badge issued so far fail to verify)."""
    return settings.DEBUG or getattr(settings, "OPEN_BADGES_CREATE_KEY", False)


def create_signing_key(path=None, *, replace=False):
    """Write a new private key (PEM) readable by its owner only, and return its path.

    Without ``replace`` an existing file is kept and FileExistsError raised. The file is
    written under another name and then linked into place, so no process ever reads half a
    key, and two processes creating it at once end up sharing the first one.
    """
    path = Path(path or key_path())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    private_pem, _public_pem = KeyRSA(key_size=2048).generate_keypair()
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".badge-key-")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(private_pem)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # refuses to overwrite, atomically
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def _read_key_file():
    """The key file's path and ``stat`` (which tells the cache when the file changed),
    creating the file first where that is allowed."""
    path = key_path()
    try:
        return path, path.stat()
    except FileNotFoundError:
        if not may_create_key():
            raise SigningKeyMissing(
                f"There is no Open Badges signing key at {path}. Create it once with "
                "`python manage.py create_badge_key` (or set OPEN_BADGES_KEY_FILE to the "
                "existing key file)."
            ) from None
    try:
        create_signing_key(path)
        logger.warning("Created a new Open Badges signing key at %s.", path)
    except FileExistsError:
        pass  # another process made it a moment ago
    return path, path.stat()


@dataclass(frozen=True)
class _Key:
    signer: OB3Signer
    public_jwk: dict


# Reading an RSA key costs tens of milliseconds, so each key file is read once per process
# and read again only when the file changes (a new key put in place).
_keys = {}


def _key():
    path, stat = _read_key_file()
    marker = (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    key = _keys.get(marker)
    if key is None:
        pem = path.read_bytes()
        try:
            private_key = serialization.load_pem_private_key(pem, password=None)
            algorithm = _algorithm(pem)
        except (ValueError, TypeError, UnknownKeyType) as exc:
            raise ImproperlyConfigured(
                f"{path} is not a private key the Open Badges library can sign with "
                f"(an unencrypted RSA, P-256 or Ed25519 key in PEM): {exc}"
            ) from exc
        if stat.st_mode & 0o077:
            logger.warning("The Open Badges signing key %s is readable by others.", path)
        public_pem = private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        key = _Key(
            signer=OB3Signer(privkey_pem=pem, algorithm=algorithm),
            public_jwk=public_jwk_from_pem(public_pem),
        )
        _keys.clear()
        _keys[marker] = key
    return key


def _algorithm(pem):
    return alg_for_key_type(detect_key_type(pem))


def _signer():
    return _key().signer


def public_jwk():
    """The public half of the signing key, as a JWK (no private parameters)."""
    return dict(_key().public_jwk)


# --- where things live ----------------------------------------------------------------------


def _absolute(path):
    return settings.CERTIFICATES_BASE_URL.rstrip("/") + path


def _https(url):
    # did:web always resolves over HTTPS. A development site on http://localhost gets an
    # identifier that only this process can resolve (see ``_fetch_own``), which is all a
    # development site needs.
    return "https://" + url.split("://", 1)[1] if url.startswith("http://") else url


def issuer_did(organisation_id):
    """The organisation's issuer identifier: did:web of its folder under this site."""
    return did_web_from_url(
        _https(_absolute(reverse("certificates:badge_issuer", args=[organisation_id])))
    )


def status_list_url(organisation_id):
    return _absolute(reverse("certificates:badge_status_list", args=[organisation_id]))


def _urn(name):
    """A stable URN for something of ours, so downloading a badge twice gives the same
    credential and achievement identifiers."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


# --- the issuer's public documents ----------------------------------------------------------


def did_document(organisation_id):
    """The DID document ``did:web`` resolves to: the public key that checks the badges."""
    did = issuer_did(organisation_id)
    return build_did_document(did, [(KEY_FRAGMENT, public_jwk())])


def issuer_profile(organisation):
    """The organisation as an Open Badges issuer Profile."""
    profile = Issuer(id=issuer_did(organisation.pk), name=organisation.name).to_dict()
    address = {
        key: value
        for key, value in (
            ("addressLocality", organisation.city),
            ("addressCountry", organisation.country),
        )
        if value
    }
    if address:
        profile["address"] = {"type": ["Address"], **address}
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        **profile,
    }


# --- the status list ------------------------------------------------------------------------


def withdrawn_indices(organisation_id):
    """The status list bits to set for this organisation, and the list's size in bits.

    One query, whatever the number of certificates: the organisation's revoked and
    superseded certificates, plus the newest certificate of all, whose id sets the size
    (every issued badge's bit must lie inside the list, or verifiers fail it as unknown).
    """
    newest = Certificate.objects.order_by("-pk").values("pk")[:1]
    rows = (
        Certificate.objects.order_by()
        .filter(Q(organisation_id=organisation_id, status__in=WITHDRAWN) | Q(pk=Subquery(newest)))
        .values_list("pk", "organisation_id", "status")
    )
    indices, top = set(), 0
    for pk, organisation, status in rows:
        top = max(top, pk)
        if organisation == organisation_id and status in WITHDRAWN:
            indices.add(pk)
    # Whole blocks of the standard's minimum size, so a list hides how many certificates
    # there are until it has to grow.
    blocks = top // DEFAULT_SIZE_BITS + 1
    return indices, blocks * DEFAULT_SIZE_BITS


def status_list_credential(organisation_id):
    """The organisation's BitstringStatusListCredential, signed, as a compact JWT."""
    indices, size = withdrawn_indices(organisation_id)
    did = issuer_did(organisation_id)
    url = status_list_url(organisation_id)
    now = timezone.now()
    document = build_status_list_credential(
        did,
        url,
        STATUS_PURPOSE,
        indices,
        size_bits=size,
        issued=now - CLOCK_MARGIN,
        valid_until=now + STATUS_LIST_LIFETIME,
        ttl=STATUS_LIST_REFRESH_SECONDS * 1000,
    )
    # The library's own signing helper dates "not before" at this very second; signing the
    # payload ourselves lets it start with the same margin as validFrom.
    payload = {
        **document,
        "iss": did,
        "jti": url,
        "nbf": int((now - CLOCK_MARGIN).timestamp()),
    }
    return _signer().sign_payload(payload)


# --- the badge ------------------------------------------------------------------------------


def recipient_identity(holder):
    """What the recipient hash is made of: (value, Open Badges identity type)."""
    email = (holder.email or "").strip().lower()
    if email:
        return email, "emailAddress"
    return holder.username, "userName"


def recipient_hash(value, salt):
    return IdentityObject.create(value, salt=salt).identity_hash


def _hours(value):
    return _("%(hours)s hours") % {"hours": value}


def _date(value):
    if not value:
        return ""
    return date_format(datetime.date.fromisoformat(value), "j F Y")


def _place(organisation):
    return ", ".join(
        part for part in (organisation.get("city"), organisation.get("country")) if part
    )


def _description(snapshot):
    organisation = snapshot["organisation"]
    place = _place(organisation)
    text = _(
        "%(programme)s is a peer support training programme of %(sessions)s sessions, "
        "%(hours)s in all, run by %(organisation)s."
    ) % {
        "programme": snapshot["programme"]["title"],
        "sessions": len(snapshot["sessions"]),
        "hours": _hours(snapshot["hours"]["planned"]),
        "organisation": organisation["name"] + (f" ({place})" if place else ""),
    }
    outcomes = snapshot.get("learning_outcomes") or []
    if outcomes:
        text += "\n\n" + _("What people learn:") + "\n" + "\n".join(f"- {o}" for o in outcomes)
    return text


def _criteria(snapshot):
    organisation = snapshot["organisation"]["name"]
    rule = snapshot.get("completion_rule") or {}
    minimum = rule.get("min_attendance_percent")
    if minimum is not None:
        how = _(
            "take part in at least %(percent)s%% of the sessions below (a missed session "
            "caught up counts) and meet the rest of the programme's completion rule"
        ) % {"percent": minimum}
    else:
        how = _(
            "take part in the sessions below (a missed session caught up counts) and meet "
            "the programme's completion rule"
        )
    lines = [
        _(
            "To receive this certificate a trainee must %(how)s. A certifying officer of "
            "%(organisation)s checks the record and signs the certificate off."
        )
        % {"how": how, "organisation": organisation},
        "",
        _("Sessions:"),
    ]
    lines += [
        _("%(number)s. %(title)s (%(minutes)s minutes)")
        % {"number": s["number"], "title": s["title"], "minutes": s["minutes"]}
        for s in snapshot["sessions"]
    ]
    return "\n".join(lines)


def _credit_description(item):
    parts = []
    if item.get("credits"):
        parts.append(
            _("%(credits)s %(name)s") % {"credits": item["credits"], "name": item["credit_name"]}
        )
    if item.get("level"):
        parts.append(_("level %(level)s") % {"level": item["level"]})
    text = ", ".join(parts) + ". " if parts else ""
    if item.get("basis") == "recognised":
        text += _("Recognised by %(body)s") % {"body": item.get("recognised_by") or "?"}
        if item.get("agreement_reference"):
            text += _(", agreement %(reference)s") % {"reference": item["agreement_reference"]}
        if item.get("agreed_on"):
            text += _(" of %(date)s") % {"date": _date(item["agreed_on"])}
        text += "."
    else:
        text += _(
            "Indicative: worked out from the workload; no awarding body has recognised it yet."
        )
    workload = [
        (item.get("contact_hours"), _("contact")),
        (item.get("self_study_hours"), _("self-study")),
        (item.get("placement_hours"), _("practice placement")),
    ]
    kinds = ", ".join(f"{hours} {kind}" for hours, kind in workload if hours not in (None, "0"))
    if item.get("total_hours"):
        text += " " + _("Workload: %(hours)s") % {"hours": _hours(item["total_hours"])}
        text += f" ({kinds})." if kinds else "."
    return text


def _alignments(snapshot, fallback_url):
    """One alignment per credit framework: what the certificate counts for."""
    alignments = []
    for item in snapshot.get("credits", []):
        if item.get("credits"):
            name = _("%(credits)s %(name)s") % {
                "credits": item["credits"],
                "name": item["credit_name"] or item["short_name"],
            }
        else:
            name = _("%(framework)s level %(level)s") % {
                "framework": item["short_name"],
                "level": item.get("level") or "?",
            }
        alignments.append(
            Alignment(
                target_name=name,
                # The snapshot does not hold the framework's own page (yet); the public
                # verification page lists the credits with their basis.
                target_url=item.get("url") or fallback_url,
                target_framework=item["framework"],
                target_code=item["short_name"],
                target_description=_credit_description(item),
            )
        )
    return alignments


def _results(snapshot, achievement_id):
    """Attendance, hours and completion as Open Badges results: the achievement says what
    may be measured (resultDescription), the subject what this trainee reached."""
    minimum = (snapshot.get("completion_rule") or {}).get("min_attendance_percent")
    attendance = ResultDescription(
        id=f"{achievement_id}#attendance",
        name=_("Share of the sessions attended or caught up"),
        result_type="Percent",
        value_min="0",
        value_max="100",
        required_value=None if minimum is None else str(minimum),
    )
    hours = ResultDescription(
        id=f"{achievement_id}#hours",
        name=_("Hours of training attended or caught up"),
        # Open Badges has no result type for hours; "ext:" marks our own, as it allows.
        result_type="ext:Hours",
        value_min="0",
        value_max=snapshot["hours"]["planned"],
    )
    completion = ResultDescription(
        id=f"{achievement_id}#completion",
        name=_("Programme completed"),
        result_type="Status",
        allowed_values=["Completed"],
    )
    descriptions = [attendance, hours, completion]
    results = [
        Result(value=str(snapshot["attendance"]["percent"]), result_description=attendance.id),
        Result(value=snapshot["hours"]["attended"], result_description=hours.id),
        Result(status="Completed", result_description=completion.id),
    ]
    return descriptions, results


def _evidence(snapshot, code, verify_url):
    how = {
        "attended": _("attended"),
        "caught_up": _("caught up"),
        "missed": _("missed"),
    }
    lines = [
        _("%(counted)s of %(planned)s sessions attended or caught up (%(percent)s%%).")
        % snapshot["attendance"]
    ]
    for s in snapshot["sessions"]:
        when = _date(s.get("date"))
        lines.append(
            f"{s['number']}. {s['title']}"
            + (f", {when}" if when else "")
            + f": {how.get(s['how'], s['how'])}"
        )
    return Evidence(
        id=verify_url,
        name=_("Certificate %(code)s: public verification page") % {"code": code},
        narrative="\n".join(lines),
    )


def _valid_until(expires_on):
    """A certificate counts through its last day, in the site's time zone."""
    if expires_on is None:
        return None
    return datetime.datetime.combine(
        expires_on + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=timezone.get_default_timezone(),
    )


def build_credential(certificate):
    """The certificate as an (unsigned) Open Badges 3.0 credential."""
    snapshot = certificate.snapshot
    did = issuer_did(certificate.organisation_id)
    page = verify_url(certificate.code)
    identity, identity_type = recipient_identity(certificate.holder)
    achievement_id = _urn(f"{did}/programme/{snapshot['programme']['id']}")
    with translation.override(certificate.language or settings.LANGUAGE_CODE):
        descriptions, results = _results(snapshot, achievement_id)
        achievement = Achievement(
            id=achievement_id,
            name=snapshot["programme"]["title"],
            description=_description(snapshot),
            criteria_narrative=_criteria(snapshot),
            achievement_type="CertificateOfCompletion",
            alignments=_alignments(snapshot, page + "#credits"),
            result_descriptions=descriptions,
        )
        evidence = _evidence(snapshot, certificate.code, page)
    return OpenBadgeCredential(
        id=_urn(f"{did}/certificate/{certificate.code}"),
        issuer=Issuer(id=did, name=snapshot["issuer"]["organisation"]),
        # Nobody's address in clear: the subject is known by the salted hash only.
        recipient_id=None,
        identifiers=[
            IdentityObject.create(
                identity, salt=certificate.badge_salt, identity_type=identity_type
            )
        ],
        achievement=achievement,
        name=snapshot["programme"]["title"],
        issuance_date=certificate.issued_at,
        expiration_date=_valid_until(certificate.expires_on),
        evidence=[evidence],
        results=results,
        credential_status=[
            status_entry(
                status_list_url(certificate.organisation_id), STATUS_PURPOSE, certificate.pk
            )
        ],
    )


def badge_for(certificate):
    """The certificate as a signed Open Badges 3.0 credential: a compact JWT (text)."""
    return _signer().sign(build_credential(certificate))


# --- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeCheck:
    """What ``verify_badge`` found. ``state`` is one of the four constants; ``claims`` is
    the credential as signed when the signature held (also for a revoked or expired one)."""

    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    INVALID = "invalid"

    state: str
    reason: str = ""
    claims: dict | None = field(default=None, repr=False)

    @property
    def ok(self):
        return self.state == self.VALID


def verify_badge(data):
    """Check a badge issued here: its signature, its dates and its revocation status.

    ``data`` is the downloaded file (bytes or text). Nothing goes over the network: the
    issuer's DID document and the status list are the real addresses written in the badge,
    resolved inside this process to the code that serves them (``_fetch_own``). A badge
    from anyone else is reported invalid, not fetched.
    """
    try:
        token = (data.decode("utf-8") if isinstance(data, bytes) else str(data)).strip()
        did = issuer_did_from_token(token)
    except (UnicodeDecodeError, OB3VerificationError) as exc:
        return BadgeCheck(BadgeCheck.INVALID, _("This is not an Open Badge: %s") % exc)
    if not _is_ours(did):
        return BadgeCheck(BadgeCheck.INVALID, _("This badge was not issued by this site."))
    try:
        verifier = OB3Verifier.for_issuer_did(did, download=_fetch_own)
    except OB3VerificationError as exc:
        return BadgeCheck(BadgeCheck.INVALID, str(exc))

    state = BadgeCheck.VALID
    try:
        credential = verifier.verify(token)
    except OB3VerificationError as exc:
        credential = _authentic_but_expired(token, verifier.pubkey_pem, did)
        if credential is None:
            return BadgeCheck(BadgeCheck.INVALID, str(exc))
        state = BadgeCheck.EXPIRED

    try:
        verifier.check_status(credential, verify_list=True, download=_fetch_own)
    except OB3VerificationError as exc:
        if _withdrawn(credential, verifier.pubkey_pem):
            return BadgeCheck(
                BadgeCheck.REVOKED,
                _("The issuer has withdrawn this certificate."),
                credential.raw,
            )
        return BadgeCheck(BadgeCheck.INVALID, str(exc))
    if state == BadgeCheck.EXPIRED:
        return BadgeCheck(state, _("This certificate has expired."), credential.raw)
    return BadgeCheck(state, "", credential.raw)


def _is_ours(did):
    prefix = issuer_did(0).rsplit(":", 1)[0] + ":"
    return did.startswith(prefix)


def _authentic_but_expired(token, public_pem, did):
    """The credential, when the only fault the library found is that it has expired."""
    algorithm = _algorithm(public_pem)
    try:
        payload = jwt.decode(
            token,
            public_pem,
            algorithms=[algorithm],
            options={"verify_exp": False, "verify_aud": False},
        )
        credential = OpenBadgeCredential.from_jwt_payload(payload)
    except (jwt.PyJWTError, ValueError, KeyError, TypeError):
        return None
    if payload.get("iss") != did or credential.issuer.id != did:
        return None
    expires = credential.expiration_date
    if expires is None or expires >= datetime.datetime.now(datetime.UTC):
        return None
    credential.raw = payload
    return credential


def _withdrawn(credential, public_pem):
    """True when a status list the credential points at has its bit set. Only called
    after the library's status check failed, to tell "revoked" from "cannot tell"."""
    for entry in credential.credential_status:
        try:
            raw = _fetch_own(entry["statusListCredential"])
            payload = jwt.decode(
                raw.decode("utf-8"),
                public_pem,
                algorithms=[_algorithm(public_pem)],
                options={"verify_aud": False},
            )
            subject = payload["credentialSubject"]
            bits = set_indices(decode_encoded_list(subject["encodedList"]))
            if (
                subject.get("statusPurpose") == entry.get("statusPurpose") == STATUS_PURPOSE
                and int(entry["statusListIndex"]) in bits
            ):
                return True
        except (LookupError, ValueError, TypeError, jwt.PyJWTError):
            continue
    return False


def _fetch_own(url):
    """Serve one of this site's public badge documents without a network request.

    Only addresses on this site's host are answered; anything else raises, so checking a
    badge never reaches out to a server named inside the (untrusted) badge.
    """
    wanted, base = urlsplit(url), urlsplit(settings.CERTIFICATES_BASE_URL)
    if wanted.netloc.lower() != base.netloc.lower() or wanted.scheme not in ("http", "https"):
        raise LookupError(f"{url} is not an address of this site")
    path = wanted.path
    prefix = base.path.rstrip("/")
    if prefix:
        if not path.startswith(prefix + "/"):
            raise LookupError(f"{url} is not an address of this site")
        path = path[len(prefix) :]
    try:
        match = resolve(path)
    except Resolver404:
        raise LookupError(f"{url} is not a badge document") from None
    organisation_id = match.kwargs.get("organisation")
    if match.view_name == "certificates:badge_did":
        return json.dumps(did_document(organisation_id)).encode("utf-8")
    if match.view_name == "certificates:badge_status_list":
        return status_list_credential(organisation_id).encode("ascii")
    raise LookupError(f"{url} is not a badge document")
