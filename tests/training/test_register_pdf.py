"""The signed register PDF, read back with pypdf."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import UserFactory, make_cohort, mark
from training.models import CatchUp, Enrolment


@pytest.fixture
def held(scheduled):
    return scheduled[0]


def pdf_url(session):
    return reverse("training:register_pdf", args=[session.cohort_id, session.pk])


def read(content):
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return reader, text, fonts


@pytest.fixture
def accented(enrolment, other_enrolment):
    enrolment.trainee.first_name, enrolment.trainee.last_name = "Zoë", "Dvořák"
    enrolment.trainee.save()
    other_enrolment.trainee.first_name, other_enrolment.trainee.last_name = "Éloïse", "Nguyễn"
    other_enrolment.trainee.save()
    return enrolment, other_enrolment


def test_the_signed_register_lists_names_statuses_and_a_signature_column(
    as_user, trainer, co_trainer, held, accented, organisation
):
    zoe, eloise = accented
    mark(held, zoe, "late", minutes_attended=120, marked_by=trainer)

    reply = as_user(trainer).get(pdf_url(held))

    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/pdf"
    assert reply["Content-Disposition"].startswith('inline; filename="register-kent-spring')
    _reader, text, fonts = read(reply.content)
    assert "Signed register" in text
    assert organisation.name in text
    assert "Kent, spring" in text
    assert "Becoming a peer support agent" in text
    assert "Session 1" in text
    assert "Community room" in text
    assert re.search(r"10:00\s*–\s*12:30", text)
    assert trainer.get_full_name() in text and co_trainer.get_full_name() in text
    for heading in ("No.", "Full name", "Status", "Minutes", "Signature"):
        assert heading in text
    # Accented names come out as written, in an embedded font.
    assert "Zoë Dvořák" in text
    assert "Éloïse Nguyễn" in text
    assert "Late" in text and "120" in text
    assert all("Helvetica" not in font for font in fonts)
    assert any("DejaVu" in font or "Vera" in font for font in fonts)
    # Éloïse has no mark yet: her status is left blank for the pen.
    eloise_line = next(line for line in text.splitlines() if "Éloïse" in line)
    assert not re.search(r"Present|Late|Absent|Excused|Left early", eloise_line)
    assert "Trainer's signature" in text
    assert "Date" in text


def test_names_are_in_register_order_with_guests_marked(
    as_user, trainer, held, accented, programme, organisation, session_plans
):
    guest_user = UserFactory(first_name="Abdoulkader", last_name="Visitor")
    autumn = make_cohort(programme, organisation, trainees=[guest_user], name="Kent, autumn")
    CatchUp.objects.create(
        enrolment=autumn.enrolments.get(),
        session_plan=session_plans[0],
        kind=CatchUp.Kind.OTHER_COHORT,
        scheduled_session=held,
    )
    gone = UserFactory(first_name="Walter", last_name="Gone")
    Enrolment.objects.create(cohort=held.cohort, trainee=gone, status=Enrolment.Status.WITHDRAWN)

    _reader, text, _fonts = read(as_user(trainer).get(pdf_url(held)).content)

    # By name as people read it (É with the E's), then guests after the group.
    assert text.index("Éloïse Nguyễn") < text.index("Zoë Dvořák")
    assert text.index("Zoë Dvořák") < text.index("Abdoulkader Visitor")
    assert "catching up from Kent, autumn" in text
    assert "Walter Gone" not in text


def test_a_long_register_runs_onto_a_second_page_with_the_heading_again(
    as_user, trainer, held, organisation
):
    for number in range(30):
        user = UserFactory(first_name=f"Trainee{number:02d}", last_name="Long")
        Enrolment.objects.create(cohort=held.cohort, trainee=user)
    reader, text, _fonts = read(as_user(trainer).get(pdf_url(held)).content)
    assert len(reader.pages) >= 2
    assert reader.pages[1].extract_text().count("Signature") >= 1
    assert "Trainee29 Long" in text


def test_other_people_cannot_print_the_register(as_user, trainee, other_org_trainer, held):
    assert as_user(trainee).get(pdf_url(held)).status_code == 403
    assert as_user(other_org_trainer).get(pdf_url(held)).status_code == 403
