"""The facilitator guide PDF, read back with pypdf so the tests see what a trainer prints."""

import io
import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import ListFlowable, Paragraph, SimpleDocTemplate

from curriculum.guide_pdf import render_facilitator_guide
from curriculum.models import CaseScenario, SessionPlanPage
from lms import pdf
from tests.factories import (
    CaseScenarioFactory,
    WorksheetFactory,
    activity,
    make_programme,
    make_session,
    start,
)
from worksheets.models import Worksheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    programme = make_programme("Becoming a peer support agent")
    worksheet = WorksheetFactory(
        title="Secrecy and confidentiality",
        reference="JCS Manual, Unit 2, Worksheet 3",
        instructions="Judge each case.\n\nSay who learns something they do not need to know.",
    )
    scenario = CaseScenarioFactory(
        title="Story of Tomás",
        narrative="<p>Tomás sleeps near the bus station in Valladolid.</p>",
        reflection_questions=[
            ("question", "Which services should be involved?"),
            ("question", "What could get in the way?"),
        ],
        notes=["Addiction", "Prison"],
    )
    return make_session(
        programme,
        number=2,
        title="Delving deeper",
        introduction="<p>Welcome everyone and say what today is about.</p>",
        introduction_minutes_min=15,
        introduction_minutes_max=20,
        materials=[
            {"type": "material", "value": {"name": "Flipchart and markers", "optional": False}},
            {"type": "material", "value": {"name": "Projector", "optional": True}},
        ],
        conceptual_contents=[
            {
                "type": "reference",
                "value": {"title": "ATL Trainer Curriculum", "details": "Unit 1", "url": ""},
            }
        ],
        activities=[
            activity(
                "My role model",
                30,
                procedure="<p>Ask about a role model.</p>",
                alternatives="<p>Share one of your own.</p>",
                adaptation_notes="<p>Give Lucía a printed copy in large type.</p>",
                groupings=["individual", "plenary"],
            ),
            activity("Secrecy and confidentiality", 20, 30, worksheet=worksheet),
            {"type": "pause", "value": {"title": "Coffee break", "minutes": 10}},
            activity("Zoë's circle of support", 30, 40, scenario=scenario, groupings=["pairs"]),
        ],
        closure="<p>Ask what people take away.</p>",
        closure_questions=[{"type": "question", "value": "What will you keep from today?"}],
        bibliography=[
            {
                "type": "reference",
                "value": {
                    "title": "Peer2peer: vocational training course",
                    "details": "Scottish Recovery Network, 2015",
                    "url": "https://example.org/peer2peer?lang=en&unit=2",
                },
            }
        ],
        outcomes=["Define the role of a peer supporter"],
    )


def read(data):
    """The whole text of a PDF on one line, so wrapped lines do not split a phrase."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def guide_text(session, at=None):
    return read(render_facilitator_guide(session, start=at or start(9, 30)))


def fonts_of(data):
    """Every font the pages of a PDF refer to, by name, as pypdf objects."""
    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


def test_the_guide_opens_with_programme_session_and_planned_time(session):
    data = render_facilitator_guide(session, start=start(9, 30))
    text = read(data)
    assert "Becoming a peer support agent Session 2: Delving deeper Facilitator guide" in text
    assert "Planned length: 150 minutes (2.5 hours)" in text
    assert "Starts at 09:30" in text
    assert "Learning outcomes • Define the role of a peer supporter" in text
    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata.title == "Session 2: Delving deeper – Facilitator guide"
    assert metadata.author == settings.WAGTAIL_SITE_NAME


def test_the_agenda_lays_every_part_on_the_clock(session):
    text = guide_text(session)
    # 09:30 intro 15-20, role model 30, secrecy 20-30, break 10, Zoë 30-40, closing 10.
    for row in [
        "09:30 Introduction 15–20 min",
        "09:45–09:50 Activity 1: My role model 30 min Individual, Whole group",
        "10:15–10:20 Activity 2: Secrecy and confidentiality 20–30 min Whole group",
        "10:35–10:50 Coffee break 10 min",
        "10:45–11:00 Activity 3: Zoë's circle of support 30–40 min Pairs",
        "11:15–11:40 Closing round 10 min",
        "11:25–11:50 End 115–140 min",
    ]:
        assert row in text
    assert "Fits: the parts take 115–140 min of the planned 150 minutes." in text


def test_the_guide_warns_when_the_plan_may_overrun_or_is_too_long(session):
    session.planned_duration = 120
    assert "with the longer times the session runs past its 120 minutes" in guide_text(session)
    session.planned_duration = 100
    assert "Too long: the parts need 115–140 min but the session is planned for 100" in (
        guide_text(session)
    )


def test_a_later_start_moves_every_clock_time(session):
    text = guide_text(session, at=start(14, 0))
    assert "Starts at 14:00" in text
    assert "14:15–14:20 Activity 1: My role model" in text
    assert "09:45" not in text


def test_sections_come_in_the_order_a_trainer_runs_the_session(session):
    text = guide_text(session)
    headings = [
        "Session 2: Delving deeper",
        "Learning outcomes",
        "Agenda",
        "Materials",
        "Background reading",
        "Introduction Starts 09:30",
        "Activity 1: My role model Starts",
        "Activity 2: Secrecy and confidentiality Starts",
        "Coffee break · Starts",
        "Activity 3: Zoë's circle of support Starts",
        "Closing round Starts",
        "Bibliography",
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)


def test_an_activity_shows_its_times_procedure_tips_and_adaptations(session):
    text = guide_text(session)
    assert (
        "Activity 1: My role model Starts 09:45–09:50 · ends 10:15–10:20 · 30 min · "
        "How people work: Individual, Whole group"
    ) in text
    assert "What to do Ask about a role model." in text
    assert "Alternatives and tips Share one of your own." in text
    assert "Adaptation notes Give Lucía a printed copy in large type." in text


def test_the_worksheet_is_shown_in_place_with_its_source_and_instructions(session):
    text = guide_text(session)
    assert (
        "Worksheet: Secrecy and confidentiality Source: JCS Manual, Unit 2, Worksheet 3 "
        "Judge each case. Say who learns something they do not need to know."
    ) in text
    assert text.index("Worksheet: Secrecy") < text.index("Run Secrecy and confidentiality")


def test_the_case_scenario_names_its_content_notes_before_the_story(session):
    text = guide_text(session)
    assert "Case scenario: Story of Tomás" in text
    assert "Content notes: Addiction, Prison." in text
    assert (
        text.index("Case scenario: Story of Tomás")
        < text.index("Content notes: Addiction, Prison.")
        < text.index("Tomás sleeps near the bus station in Valladolid.")
        < text.index("Questions for reflection")
    )
    assert "1. Which services should be involved? 2. What could get in the way?" in text


def test_accented_names_come_out_intact(session):
    text = guide_text(session)
    for name in ["Tomás", "Zoë's circle of support", "Lucía"]:
        assert name in text
    # A font without the glyph would leave a replacement character or drop the letter.
    assert "\ufffd" not in text
    assert "Toms" not in text and "Zos circle" not in text


def test_breaks_materials_reading_closing_round_and_bibliography(session):
    text = guide_text(session)
    assert "Coffee break · Starts 10:35–10:50 · ends 10:45–11:00 · 10 min" in text
    assert "Materials • Flipchart and markers • Projector (optional)" in text
    assert "Background reading • ATL Trainer Curriculum, Unit 1" in text
    assert "Closing round Starts 11:15–11:40 · ends 11:25–11:50 · 10 min" in text
    assert "Ask what people take away." in text
    assert "Reflection questions 1. What will you keep from today?" in text
    assert "Peer2peer: vocational training course, Scottish Recovery Network, 2015" in text
    assert "https://example.org/peer2peer?lang=en&unit=2" in text


def test_every_page_has_a_footer_with_the_session_and_page_number(session):
    reader = PdfReader(io.BytesIO(render_facilitator_guide(session, start=start(9, 30))))
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join(page.extract_text().split())
        assert "Session 2: Delving deeper · Facilitator guide" in text
        assert f"Page {number}" in text


def test_every_font_in_the_guide_is_an_embedded_truetype_font(session):
    fonts = fonts_of(render_facilitator_guide(session, start=start(9, 30)))
    assert fonts
    for name, font in fonts.items():
        assert re.search(r"DejaVuSans|Vera", name), name
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, name
    assert any("Bold" in name or "Bd" in name for name in fonts)


def test_a_snippet_deleted_from_the_library_is_reported_not_fatal(session):
    Worksheet.objects.all().delete()
    CaseScenario.objects.all().delete()
    fresh = SessionPlanPage.objects.get(pk=session.pk)
    text = guide_text(fresh)
    assert "Worksheet: no longer in the library." in text
    assert "Case scenario: no longer in the library." in text
    assert "Secrecy and confidentiality Source:" not in text
    assert "Tomás sleeps" not in text
    # Activities that never had a worksheet do not get the warning.
    assert text.count("no longer in the library") == 2


# --- the route ------------------------------------------------------------------------------


def guide_url(session):
    return session.url + session.reverse_subpage("facilitator_guide_pdf")


def test_a_trainer_downloads_the_guide_as_a_pdf(client, trainer, session):
    client.force_login(trainer)
    response = client.get(guide_url(session) + "?start=14:00")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert response.content.startswith(b"%PDF")
    text = read(response.content)
    assert "Session 2: Delving deeper" in text
    assert "14:15–14:20 Activity 1: My role model" in text


def test_a_trainee_may_not_download_the_guide(client, trainee, session):
    client.force_login(trainee)
    assert client.get(guide_url(session)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, session):
    url = guide_url(session)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={url}"


# --- shared building blocks -----------------------------------------------------------------


def build(flowables):
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(flowables)
    return buffer.getvalue()


def test_rich_text_becomes_paragraphs_and_lists_with_markup_kept():
    styles = pdf.stylesheet()
    html = (
        "<p>Tom &amp; Jerry say 1 &lt; 2 &gt; 0</p>"
        "<h3>Before you start</h3>"
        "<ul><li>Say <b>hello</b> first</li><li>Then <i>listen</i><br/>for a while</li></ul>"
        '<ol><li>First</li><li>See <a href="https://example.org/?a=1&amp;b=2">the site</a></li>'
        "</ol>"
    )
    flowables = pdf.rich_text_to_flowables(html, styles)

    assert [type(f) for f in flowables] == [Paragraph, Paragraph, ListFlowable, ListFlowable]
    first, heading, bullets, numbers = flowables
    assert first.text == "Tom &amp; Jerry say 1 &lt; 2 &gt; 0"
    assert heading.style.name == "Heading4"
    assert len(bullets._flowables) == 2
    assert bullets._bulletType == "bullet"
    assert numbers._bulletType == "1"
    assert "<b>hello</b>" in bullets._flowables[0]._flowables[0].text

    data = build(flowables)
    text = read(data)
    assert "Tom & Jerry say 1 < 2 > 0" in text
    assert "• Say hello first • Then listen for a while" in text
    assert "1. First 2. See the site" in text
    # <b> switched to the bold face of the embedded family.
    assert any("Bold" in name or "Bd" in name for name in fonts_of(data))


def test_rich_text_with_nested_lists_and_bare_text_keeps_every_word():
    styles = pdf.stylesheet()
    html = "Loose text <b>here</b><ul><li>Outer<ul><li>Inner</li></ul></li></ul><div>Plain</div>"
    text = read(build(pdf.rich_text_to_flowables(html, styles)))
    for word in ["Loose text here", "Outer", "Inner", "Plain"]:
        assert word in text
    assert pdf.rich_text_to_flowables("", styles) == []


def test_fonts_fall_back_to_reportlabs_vera_without_dejavu(tmp_path):
    dejavu_files = pdf.FONT_FILES[0][1]
    files = pdf.font_files([(tmp_path / "no-dejavu", dejavu_files), pdf.FONT_FILES[1]])
    assert files[pdf.FONT].name == "Vera.ttf"
    assert files[pdf.FONT_BOLD].name == "VeraBd.ttf"
    assert all(path.exists() for path in files.values())
