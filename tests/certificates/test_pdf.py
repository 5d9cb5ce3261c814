"""The certificate PDF: what it says, that it is frozen at issue, and that it prints any name
the embedded font can draw (and says so when it cannot)."""

import copy
import hashlib
import io
import re

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from pypdf import PdfReader
from reportlab.graphics.barcode.qr import QrCodeWidget

from certificates import issuing
from certificates import pdf as certificate_pdf
from certificates.models import Certificate, CertificateTemplate
from certificates.pdf import qr_modules, render_certificate

NON_LATIN_NAMES = [
    "Zoë Łukasiewicz",
    "Ștefan Dvořák",
    "Αλεξάνδρα Παπαδοπούλου",
    "Олена Шевченко",
]


def pages_of(data):
    """Each page's text on one line, so a wrapped line does not split a phrase."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def text_of(data):
    return " ".join(pages_of(data))


def fonts_of(data):
    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


def rendered(certificate, **changes):
    """The PDF of an unsaved copy of ``certificate`` whose snapshot has ``changes``."""
    snapshot = copy.deepcopy(certificate.snapshot)
    for path, value in changes.items():
        *parents, key = path.split("__")
        target = snapshot
        for parent in parents:
            target = target[parent]
        target[key] = value
    return render_certificate(
        Certificate(
            code=certificate.code,
            snapshot=snapshot,
            holder_name=snapshot["holder"]["name"],
            language=certificate.language,
        )
    )


@pytest.fixture
def certificate(completed, certifying_officer, credit_mappings):
    return issuing.issue(completed, certifying_officer)


@pytest.fixture
def own_template(organisation):
    return CertificateTemplate.objects.create(
        organisation=organisation,
        language="en",
        title="Certificate of peer support training",
        statement="{name} completed {programme} ({hours} hours) with {organisation}.",
        signatory_name="Amira Haddad",
        signatory_role="Programme lead",
        second_signatory_name="Jonas Peeters",
        second_signatory_role="Director",
        footer="Kent Peer Network, 12 Castle Street, Canterbury",
    )


# --- what it says -----------------------------------------------------------------------------


def test_it_states_name_programme_hours_credits_and_how_to_check_it(certificate, trainee):
    text = text_of(certificate.pdf)
    code = certificate.code
    assert trainee.get_full_name() in text
    assert "Becoming a peer support agent" in text
    assert "5 hours of training, 5 hours taken part in" in text
    assert "100% of the sessions (2 of 2)" in text
    assert "4 RQF credits" in text
    assert "2 ECTS credits" in text
    assert "Indicative: worked out from the workload (60 hours)." in text
    assert (
        "Recognised by Kent Adult Learning Awards, agreement KALA-2026-014 of 1 March 2026." in text
    )
    assert code in text
    assert f"Check at {issuing.verify_url(code)}" in text
    assert "signed off by" in text and certificate.snapshot["issuer"]["officer"] in text


def test_page_one_is_the_certificate_and_page_two_what_it_was_made_of(certificate):
    first, second, *rest = pages_of(certificate.pdf)
    assert "4 RQF credits" in first and "Check at" in first
    assert "Session 1" not in first
    assert "Sessions" in second
    assert "1 Session 1" in second and "2 Session 2" in second
    assert second.count("Attended") == 2
    assert "Learning outcomes covered" in second and "Define the role" in second
    for number, page in enumerate([first, second, *rest], start=1):
        assert f"Certificate {certificate.code}" in page
        assert f"Page {number}" in page


def test_it_is_an_a4_pdf_with_its_title_and_code_in_the_metadata(certificate, trainee):
    reader = PdfReader(io.BytesIO(certificate.pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert reader.metadata.title == f"Certificate of completion: {trainee.get_full_name()}"
    assert certificate.code in reader.metadata.subject
    assert reader.metadata.author == "Kent Peer Network"


def test_the_templates_wording_signatories_and_footer_are_printed(
    completed, certifying_officer, own_template
):
    certificate = issuing.issue(completed, certifying_officer)
    first = pages_of(certificate.pdf)[0]
    assert "Certificate of peer support training" in first
    assert "completed Becoming a peer support agent (5 hours) with Kent Peer Network." in first
    assert "Amira Haddad" in first and "Programme lead" in first
    assert "Jonas Peeters" in first and "Director" in first
    assert "Kent Peer Network, 12 Castle Street, Canterbury" in first


def test_the_qr_code_drawn_is_the_verification_address(certificate):
    url = issuing.verify_url(certificate.code)
    # The symbol is the one reportlab's own QR widget makes for the address...
    widget = QrCodeWidget(url, barLevel="M")
    widget.qr.make()
    expected = ["".join("1" if dark else "0" for dark in row) for row in widget.qr.modules]
    assert qr_modules(url) == expected
    # ...and exactly that symbol is painted on page 1 (one rectangle per run of dark modules).
    size = len(expected)
    runs = []
    for r, row in enumerate(expected):
        for match in re.finditer("1+", row):
            runs.append(f"{match.start() + 4} {size + 4 - r - 1} {len(match.group())} 1 re")
    content = PdfReader(io.BytesIO(certificate.pdf)).pages[0].get_contents().get_data().decode()
    assert "\n".join(runs) in content


def test_another_address_gives_another_symbol(certificate):
    url = issuing.verify_url(certificate.code)
    assert qr_modules(url) != qr_modules(url.replace(certificate.code, "0000-0000-0000"))


@pytest.mark.parametrize(
    "item, amount, basis",
    [
        (
            {"basis": "indicative", "credits": "0.5", "credit_name": "ECTS credits",
             "total_hours": "15"},
            "0.5 ECTS credits",
            "Indicative: worked out from the workload (15 hours).",
        ),
        (
            {"basis": "recognised", "credits": None, "short_name": "EQF",
             "recognised_by": "NUFFIC", "valid_until": "2028-08-31"},
            "—",
            "Recognised by NUFFIC, valid until 31 August 2028.",
        ),
        (
            {"basis": "recognised", "credits": "10", "credit_name": "SCQF points",
             "recognised_by": "SQA", "agreement_reference": "SQA-77"},
            "10 SCQF points",
            "Recognised by SQA, agreement SQA-77.",
        ),
    ],
)  # fmt: skip
def test_credits_say_their_basis_plainly(item, amount, basis):
    assert certificate_pdf.credit_amount(item) == amount
    assert certificate_pdf.credit_basis(item) == basis


def test_a_long_list_of_credits_moves_to_page_two(certificate):
    credits = [
        {**certificate.snapshot["credits"][1], "framework": f"A framework with a long name {n}"}
        for n in range(9)
    ]
    first, second, *_rest = pages_of(rendered(certificate, credits=credits))
    assert "Credits: see page 2." in first
    assert "Check at" in first
    assert "A framework with a long name 0" in second
    assert "A framework with a long name 8" in " ".join([second, *_rest])


# --- names --------------------------------------------------------------------------------------


def test_a_non_latin_name_is_printed_with_embedded_fonts(completed, certifying_officer):
    certificate = issuing.issue(completed, certifying_officer, holder_name="Олена Шевченко")
    text = text_of(certificate.pdf)
    assert "Олена Шевченко" in text
    assert "cannot be printed" not in text
    assert "\ufffd" not in text
    fonts = fonts_of(certificate.pdf)
    assert fonts
    for name, font in fonts.items():
        assert re.search(r"DejaVuSans|Vera", name), name
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), name


@pytest.mark.parametrize("name", NON_LATIN_NAMES)
def test_accented_greek_and_cyrillic_names_come_out_as_written(certificate, name):
    data = rendered(certificate, holder__name=name)
    first = pages_of(data)[0]
    assert name in first
    assert "cannot be printed" not in first
    assert PdfReader(io.BytesIO(data)).metadata.title.endswith(name)


@pytest.mark.parametrize("name", ["王小明", "فاطمة الزهراء", "Anna 李"])
def test_a_name_the_font_cannot_draw_is_flagged_not_silently_mangled(certificate, name):
    assert certificate_pdf.cannot_print(name)
    data = rendered(certificate, holder__name=name)
    assert "Some letters of this name cannot be printed in this file." in pages_of(data)[0]
    # The document title keeps the name exactly as written.
    assert PdfReader(io.BytesIO(data)).metadata.title.endswith(name)


def test_letters_the_font_covers_are_not_flagged():
    assert certificate_pdf.cannot_print(" ".join(NON_LATIN_NAMES)) == []
    assert certificate_pdf.cannot_print("Zoe\u0308 O'Brien-Nguyễn") == []


# --- frozen -------------------------------------------------------------------------------------


def test_rendering_the_stored_snapshot_again_gives_the_same_bytes(certificate):
    stored = Certificate.objects.get(pk=certificate.pk)
    again = render_certificate(stored)
    assert again == bytes(stored.pdf)
    assert render_certificate(stored) == again


def test_later_edits_never_change_the_issued_pdf(
    completed, certifying_officer, own_template, programme, trainee
):
    certificate = issuing.issue(completed, certifying_officer)
    issued_bytes = bytes(certificate.pdf)

    own_template.title = "A new title"
    own_template.signatory_name = "Someone Else"
    own_template.save()
    programme.title = "A renamed programme"
    programme.save_revision().publish()
    trainee.first_name, trainee.last_name = "Changed", "Name"
    trainee.save()

    stored = Certificate.objects.get(pk=certificate.pk)
    assert bytes(stored.pdf) == issued_bytes
    assert hashlib.sha256(bytes(stored.pdf)).hexdigest() == stored.pdf_sha256
    # Rendering it again (say, for a check) still gives the certificate as issued.
    assert render_certificate(stored) == issued_bytes
    text = text_of(issued_bytes)
    assert "Certificate of peer support training" in text and "A new title" not in text
    assert "Becoming a peer support agent" in text and "A renamed programme" not in text
    assert "Changed Name" not in text


# --- the logo -----------------------------------------------------------------------------------


@pytest.fixture
def logo():
    from wagtail.images.models import Image

    certificate_pdf._logo.cache_clear()
    picture = PillowImage.new("RGBA", (1200, 400), (11, 94, 126, 255))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    image = Image.objects.create(
        title="Kent logo", file=ImageFile(io.BytesIO(buffer.getvalue()), name="kent-logo.png")
    )
    yield image
    certificate_pdf._logo.cache_clear()


def images_on(data, page=0):
    resources = PdfReader(io.BytesIO(data)).pages[page]["/Resources"]
    objects = resources.get("/XObject", {})
    return [o for o in objects.values() if o.get_object()["/Subtype"] == "/Image"]


def test_the_templates_logo_is_printed_scaled_down(
    completed, certifying_officer, own_template, logo
):
    own_template.logo = logo
    own_template.save()
    certificate = issuing.issue(completed, certifying_officer)
    assert certificate.snapshot["template"]["logo"] == logo.file.name
    (image,) = images_on(certificate.pdf)
    assert int(image.get_object()["/Width"]) <= certificate_pdf.LOGO_PIXELS[0]
    # Read back later, it is the same file: the logo is part of the frozen certificate.
    assert render_certificate(Certificate.objects.get(pk=certificate.pk)) == certificate.pdf


def test_a_logo_missing_from_storage_is_left_out_quietly(certificate):
    data = rendered(certificate, template__logo="original_images/gone-missing.png")
    assert images_on(data) == []
    assert certificate.code in text_of(data)
