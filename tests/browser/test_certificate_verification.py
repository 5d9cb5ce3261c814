"""An employer scans the QR on a certificate with a phone: the page says it is valid, checks
the PDF file they were sent (on the phone, without sending it anywhere), spots a changed
copy, and later sees that the certificate was revoked."""

import pytest
from django.core.cache import cache

# A programme the trainee completed, with credits: the certificate tests' own fixtures,
# brought in by name (so ruff sees each test's argument as a redefinition).
# ruff: noqa: F811
from tests.certificates.conftest import completed, credit_mappings, sessions  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_employer_checks_a_certificate_and_its_pdf(
    completed, certifying_officer, credit_mappings, settings, live_server, page, tmp_path
):
    from certificates import issuing
    from certificates.models import Certificate

    cache.clear()  # the rate limit's counts from earlier tests in this process
    certificate = issuing.issue(completed, certifying_officer)
    real = tmp_path / certificate.filename
    real.write_bytes(bytes(Certificate.objects.get(pk=certificate.pk).pdf))
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(real.read_bytes() + b"\n")

    # The QR holds the absolute address; the live server stands in for the public site.
    settings.CERTIFICATES_BASE_URL = live_server.url
    page.goto(issuing.verify_url(certificate.code))
    state = page.locator("#verify-state")
    assert "This certificate is valid" in state.inner_text()
    assert "Becoming a peer support agent" in page.locator("#programme").inner_text()
    assert "chose not to show their name" in page.locator("#holder-name").inner_text()

    # From here on nothing may leave the phone: the file is checked in the browser.
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    chooser = page.get_by_label("Choose the PDF file")
    chooser.set_input_files(str(real))
    result = page.locator("#file-check-result")
    result.get_by_text("This file is the certificate we issued.").wait_for()
    assert "no longer valid" not in result.inner_text()

    chooser.set_input_files(str(changed))
    result.get_by_text("This file is not the one we issued: it may have been changed.").wait_for()
    assert "is the certificate we issued" not in result.inner_text()
    assert requests == []

    # The certificate is revoked; the same page, reloaded, says so.
    issuing.revoke(certificate, certifying_officer, "Issued by mistake")
    page.reload()
    assert "This certificate was revoked" in state.inner_text()
    assert "mistake" not in page.content()
    # The genuine file still matches, with a reminder that it no longer counts.
    page.get_by_label("Choose the PDF file").set_input_files(str(real))
    result.get_by_text("This file is the certificate we issued.").wait_for()
    assert "no longer valid" in result.inner_text()


def test_without_a_secure_context_the_page_offers_the_fingerprint(
    completed, certifying_officer, live_server, browser
):
    """Web Crypto exists only on https pages and on localhost. Elsewhere the tool stays
    hidden and the fingerprint is there to compare by hand."""
    from certificates import issuing

    cache.clear()
    certificate = issuing.issue(completed, certifying_officer)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    # Take Web Crypto away before the page's script runs, as on a plain http address.
    page.add_init_script("Object.defineProperty(window, 'isSecureContext', {value: false})")
    try:
        page.goto(f"{live_server.url}/verify/{certificate.code}/")
        page.get_by_text("can only check a file on a secure (https) page").wait_for()
        assert not page.get_by_label("Choose the PDF file").is_visible()
        assert page.locator("#pdf-sha256").inner_text() == certificate.pdf_sha256
        assert page.locator("#pdf-sha256").is_visible()
    finally:
        context.close()
