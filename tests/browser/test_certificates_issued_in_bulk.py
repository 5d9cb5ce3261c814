"""Issue 6 from end to end in chromium: the certifying officer issues the demo autumn
cohort's certificates in bulk through the background worker; a trainee downloads theirs;
the QR code printed on the PDF leads to a page that says it is valid; after the officer
revokes it, that page and the trainee's Open Badge both say revoked."""

import io
import re
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from certificates.badges import verify_badge
from certificates.models import Certificate

from .test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def qr_codes_in(pdf_path, folder):
    """The QR codes on the PDF's first page, read the way a phone would: from pixels."""
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf_path), folder / "page"],
        check=True,
    )
    (image,) = folder.glob("page*.png")
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    )
    return found.stdout.split()


def test_officer_issues_a_cohort_and_the_trainee_s_certificate_verifies_until_revoked(
    live_server, page, settings, tmp_path
):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD

    settings.CERTIFICATES_BASE_URL = live_server.url
    call_command("load_demo", verbosity=0)
    assert Certificate.objects.count() == 1  # the demo already issued Zoë's

    # The officer reviews the autumn cohort and issues the three who are ready.
    log_in(page, live_server.url, "officer", DEMO_PASSWORD)
    page.get_by_role("link", name="Kent, autumn 2026").first.click()
    page.get_by_text("Has not met the completion rule yet").wait_for()  # Tomás
    assert page.locator("input[name=enrolments]:checked").count() == 3
    page.get_by_label("I have checked who completed the programme and their names.").check()
    page.get_by_role("button", name="Issue certificates to the ticked trainees").click()
    page.wait_for_url(re.compile(r"/certificates/issue/run/\d+/$"))
    assert Certificate.objects.count() == 1  # nothing until the worker runs

    # The background worker issues them; the page follows its progress.
    call_command(
        "db_worker",
        "--backend",
        "certificates",
        "--batch",
        "--interval",
        "0",
        "--no-startup-delay",
        "--no-reload",
    )
    page.locator("#run-counts", has_text="3 of 3 issued, 0 not issued.").wait_for()
    page.locator("#run-label", has_text="Finished").wait_for()
    issued = Certificate.objects.filter(status="valid", cohort__name="Kent, autumn 2026")
    assert sorted(issued.values_list("holder__username", flat=True)) == [
        "grace",
        "olena",
        "stefan",
        "zoe",
    ]

    # Ștefan downloads his PDF and his Open Badge from "My certificates".
    page.context.clear_cookies()
    log_in(page, live_server.url, "stefan", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("certificates:mine"))
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download PDF")).first.click()
    pdf_path = tmp_path / "certificate.pdf"
    download.value.save_as(pdf_path)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    certificate = Certificate.objects.get(holder__username="stefan", status="valid")
    assert "Ștefan Dvořák" in text
    assert certificate.code in text
    assert "Becoming a peer support agent" in text
    for credit in certificate.snapshot["credits"]:
        assert credit["short_name"] in text
    assert certificate.snapshot["hours"]["planned"] in text
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Open Badge")).first.click()
    badge = download.value.path().read_bytes()
    assert verify_badge(badge).state == "valid"

    # The QR code on the PDF leads to the public page, which says it is valid.
    (address,) = qr_codes_in(pdf_path, tmp_path)
    assert address == live_server.url + reverse("certificates:verify", args=[certificate.code])
    page.context.clear_cookies()
    page.goto(address)
    page.get_by_role("heading", name="This certificate is valid").wait_for()

    # The officer revokes it; the page and the badge now say revoked.
    log_in(page, live_server.url, "officer", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("certificates:manage", args=[certificate.code]))
    page.locator("#id_revoke-reason").fill("Issued by mistake: attendance was entered twice.")
    page.get_by_role("button", name="Revoke this certificate").click()
    page.get_by_text(f"Certificate {certificate.code} is revoked.").wait_for()
    page.context.clear_cookies()
    page.goto(address)
    page.get_by_role("heading", name="This certificate was revoked").wait_for()
    assert "attendance was entered twice" not in page.content()
    assert verify_badge(badge).state == "revoked"
