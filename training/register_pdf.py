"""The signed register: a session's register on paper, for funders who want signatures.

One row per trainee with their number, full name, the status already marked (blank when
not marked, so it can be filled in by hand), minutes and an empty column tall enough to sign
in. The trainer signs and dates it at the bottom. Names are the trainees' own and are always
escaped; the embedded font from ``lms.pdf`` prints accented names as they are written.
"""

import io

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from lms import pdf
from lms.pdf import text

SIDE_MARGIN = 15 * mm
TOP_MARGIN = 15 * mm
BOTTOM_MARGIN = 18 * mm
FOOTER_Y = 9 * mm
FRAME_WIDTH = A4[0] - 2 * SIDE_MARGIN
# A signature needs real height: 13 mm suits a pen signature without cramping.
ROW_HEIGHT = 13 * mm
NUMBER_WIDTH = 12 * mm
STATUS_WIDTH = 28 * mm
MINUTES_WIDTH = 24 * mm
SIGNATURE_WIDTH = 55 * mm
NAME_WIDTH = FRAME_WIDTH - NUMBER_WIDTH - STATUS_WIDTH - MINUTES_WIDTH - SIGNATURE_WIDTH


def signed_register_pdf(session, rows, *, trainers=()) -> bytes:
    """The register of ``session`` as PDF bytes. ``rows``: ``attendance.register_rows``."""
    styles = pdf.stylesheet()
    cohort = session.cohort
    story = [
        Paragraph(text(cohort.organisation.name), styles["Meta"]),
        Paragraph(text(_("Signed register")), styles["Title"]),
        Paragraph(text(session.display_title), styles["Subtitle"]),
        _facts(session, trainers, styles),
        Spacer(1, 4 * mm),
        _table(session, rows, styles),
        Spacer(1, 10 * mm),
        KeepTogether(_sign_off(styles)),
    ]
    title = _("Signed register: %(session)s") % {"session": session.display_title}
    footer = f"{cohort.name} · {session.display_title} · {_day(session)}"
    return _build(story, title=title, footer=footer)


def _day(session):
    return formats.date_format(timezone.localtime(session.starts_at), "DATE_FORMAT")


def _time(session):
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return f"{formats.time_format(start, 'H:i')}–{formats.time_format(end, 'H:i')}"


def _facts(session, trainers, styles):
    cohort = session.cohort
    place = session.place or session.online_link or _("Not given")
    facts = [
        (_("Group"), cohort.name),
        (_("Programme"), cohort.programme.title),
        (_("Date"), _day(session)),
        (_("Time"), _time(session)),
        (_("Place"), place),
        (_("Trainers"), ", ".join(trainers) or _("Not given")),
    ]
    if session.cancelled:
        facts.append((_("Note"), _("This session was cancelled.")))
    data = [
        [Paragraph(text(label), styles["CellHead"]), Paragraph(text(value), styles["Cell"])]
        for label, value in facts
    ]
    table = Table(data, colWidths=[30 * mm, FRAME_WIDTH - 30 * mm], hAlign="LEFT")
    table.setStyle(
        pdf.table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
        )
    )
    return table


def _table(session, rows, styles):
    head = [
        Paragraph(text(label), styles["CellHead"])
        for label in (_("No."), _("Full name"), _("Status"), _("Minutes"), _("Signature"))
    ]
    data = [head]
    for number, row in enumerate(rows, start=1):
        name = text(row.name)
        if row.guest_from is not None:
            name += "<br/>" + text(
                _("catching up from %(cohort)s") % {"cohort": row.guest_from.name}
            )
        mark = row.mark
        status = mark.get_status_display() if mark else ""
        minutes = "" if mark is None or mark.minutes_attended is None else mark.minutes_attended
        data.append(
            [
                Paragraph(str(number), styles["Cell"]),
                Paragraph(name, styles["Cell"]),
                Paragraph(text(status), styles["Cell"]),
                Paragraph(text(minutes), styles["Cell"]),
                "",
            ]
        )
    # Two spare rows for someone who turns up without being on the list.
    for number in range(len(rows) + 1, len(rows) + 3):
        data.append([Paragraph(str(number), styles["Cell"]), "", "", "", ""])
    table = Table(
        data,
        colWidths=[NUMBER_WIDTH, NAME_WIDTH, STATUS_WIDTH, MINUTES_WIDTH, SIGNATURE_WIDTH],
        rowHeights=[None] + [ROW_HEIGHT] * (len(data) - 1),
        repeatRows=1,
    )
    table.setStyle(
        pdf.table_style(
            ("GRID", (0, 0), (-1, -1), 0.6, pdf.INK),
            ("BACKGROUND", (0, 0), (-1, 0), pdf.SHADE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        )
    )
    return table


def _sign_off(styles):
    """Lines for the trainer to sign and date, drawn as an underlined table."""
    data = [
        [
            Paragraph(text(_("Trainer's signature")), styles["Cell"]),
            "",
            Paragraph(text(_("Date")), styles["Cell"]),
            "",
        ]
    ]
    table = Table(
        data,
        colWidths=[40 * mm, 75 * mm, 15 * mm, FRAME_WIDTH - 130 * mm],
        rowHeights=[14 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        pdf.table_style(
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (1, 0), (1, 0), 0.8, pdf.INK),
            ("LINEBELOW", (3, 0), (3, 0), 0.8, pdf.INK),
        )
    )
    return [
        Paragraph(
            text(_("I confirm that this register is a true record of who attended.")),
            styles["Body"],
        ),
        table,
    ]


def _build(story, *, title, footer):
    buffer = io.BytesIO()
    site = getattr(settings, "WAGTAIL_SITE_NAME", "") or ""
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=SIDE_MARGIN,
        rightMargin=SIDE_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=title,
        author=site,
        creator=site,
        lang=get_language() or "en",
        # Otherwise reportlab starts every page in Helvetica, which is never embedded.
        initialFontName=pdf.FONT,
    )

    def draw_footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(pdf.FONT, 8.5)
        canvas.setFillColor(pdf.MUTED)
        canvas.drawString(SIDE_MARGIN, FOOTER_Y, footer[:120])
        canvas.drawRightString(
            A4[0] - SIDE_MARGIN, FOOTER_Y, _("Page %(number)s") % {"number": doc.page}
        )
        canvas.restoreState()

    document.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()
