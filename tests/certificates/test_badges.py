"""Open Badges 3.0: a real certificate exported as a signed badge, checked, tampered with,
revoked; who may download it; the public issuer documents and the status list.

The tests read badges and status lists with PyJWT, gzip and base64 rather than with
openbadgeslib, so they check what the wrapper produces, not the wrapper against itself.
"""

import base64
import datetime
import gzip
import hashlib
import json
import stat
from urllib.parse import urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates import badges, issuing
from certificates.models import Certificate, CertificateEvent
from certificates.models.issued import new_code
from lms.roles import Role
from tests.factories import UserFactory

Kind = CertificateEvent.Kind


@pytest.fixture(autouse=True)
def key_made_on_first_use(settings):
    """The test settings run with DEBUG off, like production; here the key may be made on
    first use, as in development."""
    settings.OPEN_BADGES_CREATE_KEY = True


@pytest.fixture
def certificate(completed, certifying_officer, credit_mappings):
    return issuing.issue(completed, certifying_officer)


def claims_of(token):
    """The badge's payload, read without checking anything (for looking inside)."""
    return jwt.decode(token, options={"verify_signature": False})


def bits_of(status_list_token):
    """The set bits of a status list, decoded by hand (MSB first, as the standard says)."""
    subject = claims_of(status_list_token)["credentialSubject"]
    encoded = subject["encodedList"]
    assert encoded.startswith("u")  # multibase base64url
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    return {i for i in range(len(raw) * 8) if raw[i // 8] & (0x80 >> (i % 8))}, subject


def fetch_status_list(client, certificate_claims):
    url = certificate_claims["credentialStatus"]["statusListCredential"]
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200
    return response.content.decode()


# --- export and verification ----------------------------------------------------------------


def test_a_fresh_badge_verifies(certificate):
    token = badges.badge_for(certificate)

    check = badges.verify_badge(token)

    assert check.ok, check.reason
    assert check.state == "valid"
    assert check.claims["credentialSubject"]["achievement"]["name"] == (
        "Becoming a peer support agent"
    )
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"  # the algorithm every Open Badges verifier supports
    assert "d" not in header["jwk"]  # the public key only


def test_the_downloaded_bytes_verify_too(certificate):
    assert badges.verify_badge(badges.badge_for(certificate).encode() + b"\n").ok


def test_changing_one_character_of_the_payload_makes_it_fail(certificate):
    header, payload, signature = badges.badge_for(certificate).split(".")
    middle = len(payload) // 2
    swapped = "B" if payload[middle] != "B" else "C"
    tampered = f"{header}.{payload[:middle]}{swapped}{payload[middle + 1 :]}.{signature}"

    check = badges.verify_badge(tampered)

    assert not check.ok
    assert check.state == "invalid"


def test_a_well_formed_edit_fails_on_the_signature(certificate):
    """More hours, re-encoded cleanly: the JSON is fine, the signature no longer is."""
    header, payload, signature = badges.badge_for(certificate).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["result"][1]["value"] = "500"
    edited = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    check = badges.verify_badge(f"{header}.{edited}.{signature}")

    assert check.state == "invalid"
    assert "signature" in check.reason.lower()


def test_a_badge_signed_with_another_key_is_refused(certificate):
    claims = claims_of(badges.badge_for(certificate))
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    check = badges.verify_badge(jwt.encode(claims, stranger, algorithm="RS256"))

    assert check.state == "invalid"


def test_something_that_is_not_a_badge_is_invalid(db):
    assert badges.verify_badge(b"\xff\xfe not a badge").state == "invalid"
    assert badges.verify_badge("hello").state == "invalid"


def test_revoking_makes_the_badge_say_revoked_and_sets_its_bit(
    certificate, certifying_officer, client
):
    token = badges.badge_for(certificate)
    claims = claims_of(token)
    bits, _ = bits_of(fetch_status_list(client, claims))
    assert certificate.pk not in bits

    issuing.revoke(certificate, certifying_officer, "Attendance records were wrong.")

    check = badges.verify_badge(token)
    assert check.state == "revoked"
    assert not check.ok
    bits, subject = bits_of(fetch_status_list(client, claims))
    assert bits == {certificate.pk}
    assert subject["statusPurpose"] == "revocation"


def test_a_replaced_certificate_s_badge_is_revoked_and_the_new_one_is_valid(
    certificate, certifying_officer, client
):
    old_token = badges.badge_for(certificate)

    new = issuing.reissue(certificate, certifying_officer, "Name corrected.")

    assert badges.verify_badge(old_token).state == "revoked"
    new_token = badges.badge_for(new)
    assert badges.verify_badge(new_token).ok
    bits, _ = bits_of(fetch_status_list(client, claims_of(new_token)))
    assert certificate.pk in bits and new.pk not in bits


def test_an_expired_certificate_s_badge_says_expired(certificate):
    long_ago = timezone.now() - datetime.timedelta(days=800)
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=long_ago, expires_on=long_ago.date() + datetime.timedelta(days=365)
    )
    certificate.refresh_from_db()

    check = badges.verify_badge(badges.badge_for(certificate))

    assert check.state == "expired"
    assert not check.ok


def test_an_expired_and_revoked_badge_says_revoked(certificate, certifying_officer):
    long_ago = timezone.now() - datetime.timedelta(days=800)
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=long_ago, expires_on=long_ago.date() + datetime.timedelta(days=365)
    )
    certificate.refresh_from_db()
    token = badges.badge_for(certificate)
    issuing.revoke(certificate, certifying_officer, "Issued in error.")

    assert badges.verify_badge(token).state == "revoked"


# --- what the badge says --------------------------------------------------------------------


def test_the_recipient_is_a_salted_hash_of_the_email_and_never_in_clear(certificate):
    holder = certificate.holder
    holder.email = "Sam.Peer@Example.org"
    holder.save()

    claims = claims_of(badges.badge_for(certificate))

    (identifier,) = claims["credentialSubject"]["identifier"]
    expected = hashlib.sha256(("sam.peer@example.org" + certificate.badge_salt).encode())
    assert identifier["identityHash"] == "sha256$" + expected.hexdigest()
    assert identifier["identityType"] == "emailAddress"
    assert identifier["hashed"] is True
    assert identifier["salt"] == certificate.badge_salt
    text = json.dumps(claims).lower()
    assert "sam.peer" not in text and "example.org" not in text
    assert "id" not in claims["credentialSubject"]  # no address or account in clear
    assert certificate.holder_name.lower() not in text


def test_without_an_email_the_username_is_hashed(certificate):
    assert not certificate.holder.email
    claims = claims_of(badges.badge_for(certificate))

    (identifier,) = claims["credentialSubject"]["identifier"]
    expected = hashlib.sha256((certificate.holder.username + certificate.badge_salt).encode())
    assert identifier["identityHash"] == "sha256$" + expected.hexdigest()
    assert identifier["identityType"] == "userName"
    assert f'"{certificate.holder.username}"' not in json.dumps(claims)


def test_each_credit_framework_is_an_alignment_with_its_credits_level_and_basis(certificate):
    achievement = claims_of(badges.badge_for(certificate))["credentialSubject"]["achievement"]

    alignments = {a["targetCode"]: a for a in achievement["alignment"]}
    assert set(alignments) == {"ECTS", "RQF"}
    rqf, ects = alignments["RQF"], alignments["ECTS"]
    assert rqf["targetName"] == "4 RQF credits"
    assert rqf["targetFramework"].startswith("Regulated Qualifications Framework")
    assert "level 2" in rqf["targetDescription"]
    assert "Recognised by Kent Adult Learning Awards" in rqf["targetDescription"]
    assert "KALA-2026-014" in rqf["targetDescription"]
    assert ects["targetName"] == "2 ECTS credits"
    assert "Indicative" in ects["targetDescription"]
    assert "60 hours" in ects["targetDescription"]
    assert all(a["targetUrl"].startswith("http") for a in alignments.values())


def test_the_badge_holds_the_programme_hours_attendance_and_dates_from_the_snapshot(
    certificate, programme
):
    # Later edits to the programme never reach an issued certificate's badge.
    programme.title = "Renamed afterwards"
    programme.save()
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=datetime.date(2030, 6, 30))
    certificate.refresh_from_db()

    claims = claims_of(badges.badge_for(certificate))

    subject = claims["credentialSubject"]
    achievement = subject["achievement"]
    assert achievement["name"] == "Becoming a peer support agent"
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert "Session 1 (150 minutes)" in achievement["criteria"]["narrative"]
    assert "Session 2 (150 minutes)" in achievement["criteria"]["narrative"]
    assert "Kent Peer Network" in achievement["description"]
    descriptions = {d["id"].rsplit("#", 1)[1]: d for d in achievement["resultDescription"]}
    results = {r["resultDescription"].rsplit("#", 1)[1]: r for r in subject["result"]}
    assert descriptions["hours"]["valueMax"] == "5"
    assert results["hours"]["value"] == "5"
    assert results["attendance"]["value"] == "100"
    assert results["completion"]["status"] == "Completed"
    assert claims["validFrom"] == certificate.issued_at.astimezone(datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    # Valid through 30 June 2030 in the site's time zone (Brussels: UTC+2 in summer).
    assert claims["validUntil"] == "2030-06-30T22:00:00Z"
    assert claims["issuer"]["name"] == "Kent Peer Network"
    assert claims["evidence"][0]["id"] == issuing.verify_url(certificate.code)


def test_the_status_entry_points_at_bit_pk_of_a_real_address(certificate, settings):
    claims = claims_of(badges.badge_for(certificate))

    entry = claims["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    assert entry["statusListIndex"] == str(certificate.pk)
    assert entry["statusListCredential"] == settings.CERTIFICATES_BASE_URL + reverse(
        "certificates:badge_status_list", args=[certificate.organisation_id]
    )


# --- the public issuer documents ------------------------------------------------------------


def test_the_issuer_documents_are_public_and_name_the_badge_s_issuer(certificate, client):
    token = badges.badge_for(certificate)
    did = claims_of(token)["iss"]
    organisation = certificate.organisation_id

    profile = client.get(reverse("certificates:badge_issuer", args=[organisation]))
    document = client.get(reverse("certificates:badge_did", args=[organisation]))

    assert profile.status_code == document.status_code == 200
    assert profile.json()["id"] == did
    assert profile.json()["name"] == "Kent Peer Network"
    assert document.json()["id"] == did
    assert did.endswith(f":badges:issuers:{organisation}")
    (method,) = document.json()["verificationMethod"]
    assert method["publicKeyJwk"] == jwt.get_unverified_header(token)["jwk"]
    assert "d" not in method["publicKeyJwk"]
    assert document["Access-Control-Allow-Origin"] == "*"
    # The key in the public document checks the badge.
    public_key = jwt.PyJWK(method["publicKeyJwk"], algorithm="RS256")
    jwt.decode(token, public_key, algorithms=["RS256"])


def test_an_unknown_issuer_is_not_found(db, client):
    assert client.get(reverse("certificates:badge_issuer", args=[999])).status_code == 404
    assert client.get(reverse("certificates:badge_did", args=[999])).status_code == 404
    assert client.get(reverse("certificates:badge_status_list", args=[999])).status_code == 404


def test_the_status_list_is_signed_short_lived_and_cached_briefly(certificate, client):
    token = badges.badge_for(certificate)
    address = claims_of(token)["credentialStatus"]["statusListCredential"]
    response = client.get(urlsplit(address).path)

    assert "max-age=60" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    jwk = jwt.get_unverified_header(token)["jwk"]
    listed = jwt.decode(
        response.content.decode(), jwt.PyJWK(jwk, algorithm="RS256"), algorithms=["RS256"]
    )
    assert listed["issuer"] == claims_of(token)["iss"]
    assert "BitstringStatusListCredential" in listed["type"]
    valid_until = datetime.datetime.fromisoformat(listed["validUntil"].replace("Z", "+00:00"))
    assert valid_until - timezone.now() <= datetime.timedelta(hours=1)


def test_the_status_list_takes_the_same_queries_for_few_or_many_certificates(
    certificate, certifying_officer, client
):
    issuing.revoke(certificate, certifying_officer, "Issued in error.")
    address = reverse("certificates:badge_status_list", args=[certificate.organisation_id])

    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
        assert response.status_code == 200
        return len(captured), bits_of(response.content.decode())[0]

    few, few_bits = queries_for_list()
    stored = Certificate._base_manager.get(pk=certificate.pk)  # with its PDF, to copy
    for _ in range(30):  # more withdrawn certificates, copies of the real one
        stored.pk, stored.code = None, new_code()
        stored.save()
    many, many_bits = queries_for_list()

    assert few == many <= 2
    assert len(few_bits) == 1 and len(many_bits) == 31


def test_the_list_grows_to_hold_every_certificate_number(certificate, client):
    """Bit ``pk`` must exist in the list for every badge, or verifiers reject the badge."""
    stored = Certificate._base_manager.get(pk=certificate.pk)
    stored.pk, stored.code, stored.status = 200_000, new_code(), Certificate.Status.REVOKED
    stored.save(force_insert=True)

    response = client.get(
        reverse("certificates:badge_status_list", args=[certificate.organisation_id])
    )

    encoded = claims_of(response.content.decode())["credentialSubject"]["encodedList"][1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    assert len(raw) * 8 == 2 * 131_072  # whole blocks of the standard's minimum size
    assert bits_of(response.content.decode())[0] == {200_000}
    assert badges.verify_badge(badges.badge_for(certificate)).ok


# --- the download ---------------------------------------------------------------------------


def test_the_holder_downloads_a_badge_that_verifies_and_the_download_is_logged(certificate, client):
    client.force_login(certificate.holder)

    response = client.get(reverse("certificates:badge", args=[certificate.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert (
        f'filename="certificate-{certificate.code}-badge.jwt"' in (response["Content-Disposition"])
    )
    assert "no-store" in response["Cache-Control"]
    assert badges.verify_badge(response.content).ok
    event = certificate.events.get(kind=Kind.BADGE_DOWNLOADED)
    assert event.actor == certificate.holder


@pytest.mark.parametrize("who", ["certifying_officer", "manager"])
def test_officers_and_managers_of_the_organisation_may_download(certificate, client, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("certificates:badge", args=[certificate.code]))

    assert response.status_code == 200


def test_another_trainee_is_refused(certificate, client, other_trainee):
    client.force_login(other_trainee)

    response = client.get(reverse("certificates:badge", args=[certificate.code]))

    assert response.status_code == 403
    assert not certificate.events.filter(kind=Kind.BADGE_DOWNLOADED).exists()


def test_another_organisation_s_officer_is_refused(certificate, client, other_organisation):
    stranger = UserFactory(
        username="lille_officer",
        roles=[Role.CERTIFYING_OFFICER],
        organisation=other_organisation,
    )
    client.force_login(stranger)

    response = client.get(reverse("certificates:badge", args=[certificate.code]))

    assert response.status_code == 403


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(certificate, client):
    address = reverse("certificates:badge", args=[certificate.code])

    response = client.get(address)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_revoked_certificate_has_no_badge_to_download(certificate, certifying_officer, client):
    issuing.revoke(certificate, certifying_officer, "Issued in error.")
    client.force_login(certificate.holder)

    response = client.get(reverse("certificates:badge", args=[certificate.code]))

    assert response.status_code == 410
    assert "was withdrawn" in response.content.decode()
    assert not certificate.events.filter(kind=Kind.BADGE_DOWNLOADED).exists()


def test_a_replaced_certificate_points_its_holder_to_the_new_badge(
    certificate, certifying_officer, client
):
    new = issuing.reissue(certificate, certifying_officer, "Name corrected.")
    client.force_login(certificate.holder)

    response = client.get(reverse("certificates:badge", args=[certificate.code]))

    assert response.status_code == 410
    page = response.content.decode()
    assert "replaced by a newer one" in page
    assert reverse("certificates:badge", args=[new.code]) in page


# --- the signing key ------------------------------------------------------------------------


def test_the_key_is_made_on_first_use_readable_by_its_owner_only(certificate, settings, tmp_path):
    settings.OPEN_BADGES_KEY_FILE = str(tmp_path / "new" / "folder" / "badge-key.pem")

    badges.badge_for(certificate)

    mode = stat.S_IMODE((tmp_path / "new" / "folder" / "badge-key.pem").stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE((tmp_path / "new" / "folder").stat().st_mode) & 0o077 == 0
    assert b"PRIVATE KEY" in (tmp_path / "new" / "folder" / "badge-key.pem").read_bytes()


def test_a_public_server_never_makes_a_key_by_itself(certificate, settings, tmp_path):
    settings.DEBUG = False
    settings.OPEN_BADGES_CREATE_KEY = False
    settings.OPEN_BADGES_KEY_FILE = str(tmp_path / "missing.pem")

    with pytest.raises(badges.SigningKeyMissing, match="create_badge_key"):
        badges.badge_for(certificate)

    assert not (tmp_path / "missing.pem").exists()


def test_the_command_creates_the_key_once_and_replaces_it_only_when_asked(settings, tmp_path):
    settings.OPEN_BADGES_KEY_FILE = str(tmp_path / "keys" / "badge.pem")
    key_file = tmp_path / "keys" / "badge.pem"

    call_command("create_badge_key")
    first = key_file.read_bytes()
    with pytest.raises(CommandError, match="already a signing key"):
        call_command("create_badge_key")
    assert key_file.read_bytes() == first
    call_command("create_badge_key", "--replace")

    assert key_file.read_bytes() != first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_new_key_makes_old_badges_fail(certificate, settings, tmp_path):
    token = badges.badge_for(certificate)

    badges.create_signing_key(replace=True)

    assert badges.verify_badge(token).state == "invalid"
    assert badges.verify_badge(badges.badge_for(certificate)).ok
