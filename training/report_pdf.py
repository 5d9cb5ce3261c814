"""The steering-group summary: one or two A4 pages a manager can print or attach to an email.

It holds the headline figures, the trained-against-target table with a bar chart drawn by
reportlab, and the cohort table. A steering group reads a summary, not a register, so the
cohort table stops after ``PDF_COHORTS`` rows and says where the rest are (the spreadsheet
lists every cohort). Fonts come from ``lms.pdf`` so accented names print correctly.
"""

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from lms import pdf
from lms.pdf import text

from . import reports

MARGIN = 16 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN
PDF_COHORTS = 25
CHART_BARS = 12
# Long organisation and programme names are cut in the chart; the table above has them whole.
CHART_LABEL_CHARS = 38


def _percent(value):
    return "–" if value is None else f"{value}%"


def _date(value):
    return formats.date_format(value, "j M Y") if value else "–"


def _table(rows, widths, styles, *, numeric=()):
    """A data table of Paragraph cells: a small bold header row, ruled lines, and the
    ``numeric`` columns on the right so figures can be compared at a glance."""
    cell = ParagraphStyle("ReportCell", parent=styles["Cell"], fontSize=9, leading=11.5)
    head = ParagraphStyle(
        "ReportHead", parent=cell, fontName=pdf.FONT_BOLD, fontSize=7.5, leading=9.5
    )
    right = {
        style: ParagraphStyle(f"{style.name}Right", parent=style, alignment=TA_RIGHT)
        for style in (cell, head)
    }

    def row_of(values, style):
        return [
            Paragraph(text(value), right[style] if index in numeric else style)
            for index, value in enumerate(values)
        ]

    body = [row_of(rows[0], head)] + [row_of(row, cell) for row in rows[1:]]
    table = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        pdf.table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 1, pdf.INK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, pdf.RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        )
    )
    return table


def target_chart(rows):
    """Completed against target as horizontal bars, one pair per organisation and
    programme, each bar labelled with its number."""
    shown = [row for row in rows if row.target or row.completed][:CHART_BARS]
    if not shown:
        return None
    # reportlab draws the first category at the bottom; reverse so the chart reads in the
    # same order as the table.
    shown = list(reversed(shown))
    label_width = 62 * mm
    bar_height = 9
    group_height = 2 * bar_height + 8
    plot_height = len(shown) * group_height
    legend_height = 18
    drawing = Drawing(FRAME_WIDTH, plot_height + legend_height + 24)
    chart = HorizontalBarChart()
    chart.x = label_width
    chart.y = 14
    chart.width = FRAME_WIDTH - label_width - 30
    chart.height = plot_height
    chart.data = [
        [row.completed for row in shown],
        [row.target or 0 for row in shown],
    ]
    chart.barWidth = bar_height
    chart.groupSpacing = 8
    chart.barSpacing = 0
    chart.bars[0].fillColor = pdf.ACCENT
    chart.bars[0].strokeColor = pdf.ACCENT
    chart.bars[1].fillColor = colors.white
    chart.bars[1].strokeColor = pdf.INK
    chart.bars[1].strokeWidth = 0.8
    chart.barLabelFormat = "values"
    chart.barLabelArray = [
        [str(row.completed) for row in shown],
        [str(row.target) if row.target is not None else _("no target") for row in shown],
    ]
    chart.barLabels.fontName = pdf.FONT
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = pdf.FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = pdf.RULE
    chart.categoryAxis.labels.fontName = pdf.FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.categoryNames = [_short(row.label) for row in shown]
    drawing.add(chart)
    legend = Legend()
    legend.fontName = pdf.FONT
    legend.fontSize = 8
    legend.x = label_width
    legend.y = plot_height + legend_height + 14
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 90
    legend.dxTextSpace = 4
    legend.strokeColor = pdf.INK
    legend.colorNamePairs = [(pdf.ACCENT, _("Completed")), (colors.white, _("Target"))]
    drawing.add(legend)
    drawing.add(
        String(0, 2, _("Number of trainees"), fontName=pdf.FONT, fontSize=7, fillColor=pdf.MUTED)
    )
    return drawing


def _short(label):
    if len(label) <= CHART_LABEL_CHARS:
        return label
    return label[: CHART_LABEL_CHARS - 1].rstrip() + "…"


def render_report_pdf(report, filter_summary):
    styles = pdf.stylesheet()
    small = styles["Small"]
    story = [
        Paragraph(text(_("Peer supporters trained")), styles["Title"]),
        Paragraph(text(_("Summary for the steering group")), styles["Subtitle"]),
        Paragraph(
            text(
                _("Made on %(date)s")
                % {
                    "date": formats.date_format(
                        timezone.localtime(report.generated_at), "DATETIME_FORMAT"
                    )
                }
            ),
            styles["Meta"],
        ),
    ]
    for line in filter_summary:
        story.append(Paragraph(text(line), styles["Meta"]))
    totals = report.totals
    story.append(Spacer(1, 4))
    story.append(
        Paragraph(
            text(
                _(
                    "In these cohorts, %(completed)s trainees completed the programme and "
                    "%(withdrawn)s of %(enrolled)s withdrew (drop-out rate %(dropout)s). "
                    "Attendance at the sessions held so far: %(attendance)s."
                )
                % {
                    "completed": totals.completed,
                    "withdrawn": totals.withdrawn,
                    "enrolled": totals.enrolled,
                    "dropout": _percent(totals.dropout_percent),
                    "attendance": _percent(totals.attendance_percent),
                }
            ),
            styles["Note"],
        )
    )

    story.append(Paragraph(text(_("Trained against target")), styles["Heading1"]))
    rows = [
        [
            _("Organisation"),
            _("Programme"),
            _("Target"),
            _("Due by"),
            _("Completed"),
            _("In training"),
            _("Withdrawn"),
            _("% of target"),
        ]
    ]
    for row in report.targets:
        rows.append(
            [
                row.organisation,
                row.programme,
                "–" if row.target is None else row.target,
                _date(row.due_by),
                row.completed,
                row.in_training,
                row.withdrawn,
                _percent(row.percent_of_target),
            ]
        )
    if report.targets:
        widths = [36 * mm, 34 * mm, 13 * mm, 20 * mm, 19 * mm, 17 * mm, 20 * mm, 19 * mm]
        story.append(_table(rows, widths, styles, numeric={2, 4, 5, 6, 7}))
        chart = target_chart(report.targets)
        if chart is not None:
            story.append(Spacer(1, 6))
            story.append(chart)
    else:
        story.append(Paragraph(text(_("No targets or cohorts match these choices.")), small))

    story.append(Paragraph(text(_("Cohorts")), styles["Heading1"]))
    if report.cohorts:
        rows = [
            [
                _("Cohort"),
                _("Starts"),
                _("Enrolled"),
                _("Completed"),
                _("Withdrawn"),
                _("Sessions held of planned"),
                _("Attendance rate"),
                _("Drop-out rate"),
            ]
        ]
        for row in report.cohorts[:PDF_COHORTS]:
            rows.append(
                [
                    f"{row.name} ({row.organisation})",
                    _date(row.starts_on),
                    row.enrolled,
                    row.completed,
                    row.withdrawn,
                    f"{row.sessions_held} / {row.sessions_planned}",
                    _percent(row.attendance_percent),
                    _percent(row.dropout_percent),
                ]
            )
        widths = [44 * mm, 20 * mm, 16 * mm, 19 * mm, 19 * mm, 20 * mm, 21 * mm, 19 * mm]
        story.append(_table(rows, widths, styles, numeric={2, 3, 4, 5, 6, 7}))
        if len(report.cohorts) > PDF_COHORTS:
            story.append(
                Paragraph(
                    text(
                        _(
                            "The first %(shown)s of %(total)s cohorts. The spreadsheet "
                            "lists them all."
                        )
                        % {"shown": PDF_COHORTS, "total": len(report.cohorts)}
                    ),
                    small,
                )
            )
    else:
        story.append(Paragraph(text(_("No cohorts match these choices.")), small))

    story.append(Paragraph(text(_("What the figures mean")), styles["Heading2"]))
    terms = ParagraphStyle("Terms", parent=small, spaceAfter=2)
    for term, meaning in reports.definitions():
        story.append(Paragraph(f"<b>{text(term)}</b>: {text(meaning)}", terms))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("Peer supporters trained"),
        author=_("Peer Support Training"),
    )
    doc.build(story)
    return buffer.getvalue()
