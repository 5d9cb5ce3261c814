"""The facilitator guide: a session plan as a PDF a trainer prints or carries offline.

It follows the facilitator web view section by section, so a trainer who knows one finds
their way in the other, and it is laid on the clock from the start time the trainer picked.
"""

import io
from xml.sax.saxutils import quoteattr

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Table

from lms import pdf
from lms.pdf import text

MARGIN = 22 * mm
FOOTER_Y = 12 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN


def render_facilitator_guide(page, *, start) -> bytes:
    """The guide of ``page`` (a SessionPlanPage) with clock times from ``start``."""
    styles = pdf.stylesheet()
    agenda = page.agenda(start)
    # Loads the content notes of every scenario in one query; the agenda below holds the
    # very same block values, so it reads them from that cache.
    page.case_scenarios()
    heading = _("Session %(number)s: %(title)s") % {"number": page.number, "title": page.title}

    story = _title_block(page, agenda, heading, styles)
    story += _outcomes(page, styles)
    story += _agenda(agenda, styles)
    story += _materials(page, styles)
    story += _references(_("Background reading"), page.conceptual_contents, styles)
    chosen = _stored_choices(page)
    for item in agenda.items:
        if item.kind == "introduction":
            story += _part(item, page.introduction, styles)
        elif item.kind == "activity":
            story += _activity(item, chosen.get(item.number, set()), styles)
        elif item.kind == "break":
            story += _break(item, styles)
        elif item.kind == "closure":
            story += _part(item, page.closure, styles)
            story += _questions(
                _("Reflection questions"),
                [block.value for block in page.closure_questions],
                styles,
            )
    story += _references(_("Bibliography"), page.bibliography, styles)

    programme = page.programme
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{heading} – {_('Facilitator guide')}",
        author=getattr(settings, "WAGTAIL_SITE_NAME", "") or "",
        subject=programme.title if programme else "",
        creator=getattr(settings, "WAGTAIL_SITE_NAME", "") or "",
        lang=programme.language if programme else None,
        # Otherwise reportlab starts every page in Helvetica, which is never embedded.
        initialFontName=pdf.FONT,
    )
    footer = _footer(f"{heading} · {_('Facilitator guide')}")
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# --- sections ---------------------------------------------------------------------------


def _title_block(page, agenda, heading, styles):
    flowables = []
    programme = page.programme
    if programme:
        flowables.append(Paragraph(text(programme.title), styles["Subtitle"]))
    flowables.append(Paragraph(text(heading), styles["Title"]))
    hours = f"{page.planned_duration / 60:g}"
    facts = [
        _("Facilitator guide"),
        _("Planned length: %(minutes)s minutes (%(hours)s hours)")
        % {"minutes": page.planned_duration, "hours": hours},
        _("Starts at %(start)s") % {"start": agenda.start.strftime("%H:%M")},
        _("Ends %(end)s") % {"end": agenda.ends},
    ]
    # Non-breaking spaces keep each fact, such as a window of clock times, on one line.
    line = " · ".join(fact.replace(" ", "\u00a0") for fact in facts)
    flowables.append(Paragraph(text(line), styles["Meta"]))
    if page.summary:
        flowables.append(Paragraph(text(page.summary), styles["Body"]))
    return flowables


def _outcomes(page, styles):
    outcomes = [text(outcome.text) for outcome in page.learning_outcomes.all()]
    if not outcomes:
        return []
    return [
        Paragraph(text(_("Learning outcomes")), styles["Heading1"]),
        pdf.bullet_list(outcomes, styles),
    ]


def _agenda(agenda, styles):
    cell, head = styles["Cell"], styles["CellHead"]
    labels = (_("Time"), _("Part"), _("Length"), _("How"))
    rows = [[Paragraph(text(label), head) for label in labels]]
    for item in agenda.items:
        if item.kind == "activity":
            title = _("Activity %(number)s: %(title)s") % {
                "number": item.number,
                "title": item.title,
            }
            how = ", ".join(str(label) for label in item.value.grouping_labels)
        else:
            title, how = str(item.title), ""
        rows.append(
            [
                Paragraph(text(item.starts), cell),
                Paragraph(text(title), cell),
                Paragraph(text(item.minutes), cell),
                Paragraph(text(how), cell),
            ]
        )
    rows.append(
        [
            Paragraph(text(agenda.ends), head),
            Paragraph(text(_("End")), head),
            Paragraph(text(agenda.total), head),
            Paragraph("", cell),
        ]
    )
    table = Table(
        rows,
        colWidths=[30 * mm, None, 30 * mm, 33 * mm],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(
        pdf.table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), pdf.SHADE),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, pdf.ACCENT),
            ("LINEBELOW", (0, 1), (-1, -2), 0.4, pdf.RULE),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, pdf.ACCENT),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        )
    )
    fit = {"total": agenda.total, "planned": agenda.planned_minutes}
    if not agenda.fits:
        verdict = _(
            "Too long: the parts need %(total)s but the session is planned for %(planned)s "
            "minutes. Shorten or drop an activity before the session."
        )
    elif agenda.may_overrun:
        verdict = _(
            "The parts take %(total)s: with the longer times the session runs past its "
            "%(planned)s minutes. Watch the clock."
        )
    else:
        verdict = _("Fits: the parts take %(total)s of the planned %(planned)s minutes.")
    return [
        Paragraph(text(_("Agenda")), styles["Heading1"]),
        table,
        Paragraph(text(verdict % fit), styles["Note"]),
    ]


def _materials(page, styles):
    items = []
    for block in page.materials:
        line = text(block.value["name"])
        if block.value.get("optional"):
            line += f" <i>({text(_('optional'))})</i>"
        items.append(line)
    if not items:
        return []
    return [Paragraph(text(_("Materials")), styles["Heading1"]), pdf.bullet_list(items, styles)]


def _references(title, stream, styles):
    items = [_reference(block.value, styles) for block in stream]
    if not items:
        return []
    return [Paragraph(text(title), styles["Heading1"]), pdf.bullet_list(items, styles)]


def _reference(ref, styles):
    markup = f"<b>{text(ref['title'])}</b>"
    if ref.get("details"):
        markup += f", {text(ref['details'])}"
    if ref.get("url"):
        # Printed, a link cannot be clicked, so the address itself is shown.
        url = ref["url"]
        markup += f'<br/><font size="9"><link href={quoteattr(url)}>{text(url)}</link></font>'
    return markup


def _time_line(item):
    # With ranges of minutes a part starts somewhere in a window; both ends are shown.
    return _("Starts %(starts)s · ends %(ends)s · %(minutes)s") % {
        "starts": item.starts,
        "ends": item.ends,
        "minutes": item.minutes,
    }


def _part(item, rich_text, styles):
    """The introduction or the closing round: a heading, its times and the trainer's text."""
    head = [
        Paragraph(text(item.title), styles["Heading1"]),
        Paragraph(text(_time_line(item)), styles["Meta"]),
    ]
    body = pdf.rich_text_to_flowables(rich_text, styles)
    return [KeepTogether(head + body[:1]), *body[1:]]


def _activity(item, chosen, styles):
    value = item.value
    title = _("Activity %(number)s: %(title)s") % {"number": item.number, "title": item.title}
    meta = _time_line(item)
    if value.grouping_labels:
        meta += " · " + _("How people work: %(how)s") % {
            "how": ", ".join(str(label) for label in value.grouping_labels)
        }
    head = [
        Paragraph(text(title), styles["Heading1"]),
        Paragraph(text(meta), styles["Meta"]),
    ]
    flowables = []

    worksheet = value.get("worksheet")
    if worksheet is not None:
        flowables.append(_worksheet_box(worksheet, styles))
    elif "worksheet" in chosen:
        flowables.append(_missing(_("Worksheet"), styles))

    flowables += _rich_section(_("What to do"), _source(value.get("procedure")), styles)

    scenario = value.get("case_scenario")
    if scenario is not None:
        flowables += _scenario(scenario, styles)
    elif "case_scenario" in chosen:
        flowables.append(_missing(_("Case scenario"), styles))

    flowables += _rich_section(
        _("Alternatives and tips"), _source(value.get("alternatives")), styles
    )
    flowables += _rich_section(
        _("Adaptation notes"), _source(value.get("adaptation_notes")), styles
    )
    return [KeepTogether(head + flowables[:1]), *flowables[1:]]


def _break(item, styles):
    line = f"<b>{text(item.title)}</b> · {text(_time_line(item))}"
    return [Paragraph(line, styles["Note"])]


def _rich_section(title, html, styles):
    body = pdf.rich_text_to_flowables(html, styles)
    if not body:
        return []
    return [Paragraph(text(title), styles["Heading3"]), *body]


def _worksheet_box(worksheet, styles):
    """The worksheet in a shaded box, so the trainer sees at a glance what to hand out.

    One row per paragraph lets the box break across pages when the instructions are long.
    """
    title = _("Worksheet: %(title)s") % {"title": worksheet.title}
    rows = [[Paragraph(text(title), styles["Heading3"])]]
    if worksheet.reference:
        source = _("Source: %(reference)s") % {"reference": worksheet.reference}
        rows.append([Paragraph(text(source), styles["Meta"])])
    for paragraph in _paragraphs(worksheet.instructions):
        rows.append([Paragraph(paragraph, styles["Body"])])
    box = Table(rows, colWidths=[FRAME_WIDTH - 4 * mm], hAlign="LEFT")
    box.setStyle(
        pdf.table_style(
            ("BACKGROUND", (0, 0), (-1, -1), pdf.SHADE),
            ("BOX", (0, 0), (-1, -1), 0.6, pdf.RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (0, 0), (-1, 0), 6),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 4),
        )
    )
    return box


def case_scenario_flowables(scenario, styles, *, warning):
    """A case scenario's title, its content notes with ``warning``, then the story. Shared
    with the worksheet PDFs, so every printed story names its topics before it starts."""
    title = _("Case scenario: %(title)s") % {"title": scenario.title}
    flowables = [Paragraph(text(title), styles["Heading2"])]
    notes = [note.name for note in scenario.content_notes.all()]
    if notes:
        # Said before the story so that anyone can prepare themselves or step out.
        flowables.append(
            Paragraph(
                f"<b>{text(_('Content notes:'))}</b> {text(', '.join(notes))}. {text(warning)}",
                styles["Note"],
            )
        )
    return flowables + pdf.rich_text_to_flowables(scenario.narrative, styles)


def _scenario(scenario, styles):
    warning = _("Tell the group before reading, so anyone can prepare or step out.")
    flowables = case_scenario_flowables(scenario, styles, warning=warning)
    flowables += _questions(_("Questions for reflection"), scenario.questions, styles)
    return flowables


def _questions(title, questions, styles):
    questions = [text(question) for question in questions if str(question).strip()]
    if not questions:
        return []
    return [
        KeepTogether(
            [
                Paragraph(text(title), styles["Heading4"]),
                pdf.bullet_list(questions, styles, numbered=True),
            ]
        )
    ]


def _missing(label, styles):
    message = _("%(label)s: no longer in the library. Check the session plan.") % {"label": label}
    return Paragraph(text(message), styles["Note"])


# --- helpers ----------------------------------------------------------------------------


def _stored_choices(page):
    """For each activity number, the snippet fields that hold an id in the stored plan.

    A chooser whose worksheet or scenario was deleted reads back as None, just like one
    left empty; only the stored ids tell the two apart, so the guide can warn the trainer.
    """
    chosen, number = {}, 0
    for raw in page.activities.raw_data:
        if raw.get("type") != "activity":
            continue
        number += 1
        value = raw.get("value") or {}
        chosen[number] = {name for name in ("worksheet", "case_scenario") if value.get(name)}
    return chosen


def _source(value):
    """The stored HTML of a rich text block value (or of a plain string)."""
    if value is None:
        return ""
    return getattr(value, "source", value) or ""


def _paragraphs(plain):
    """Plain text with blank lines between paragraphs, as Paragraph markup."""
    blocks = [block.strip() for block in (plain or "").replace("\r\n", "\n").split("\n\n")]
    return [text(block).replace("\n", "<br/>") for block in blocks if block]


def _footer(label):
    def draw(canvas, document):
        canvas.saveState()
        canvas.setFont(pdf.FONT, 8.5)
        canvas.setFillColor(pdf.MUTED)
        canvas.setStrokeColor(pdf.RULE)
        right = A4[0] - MARGIN
        canvas.line(MARGIN, FOOTER_Y + 10, right, FOOTER_Y + 10)
        number = _("Page %(number)s") % {"number": document.page}
        room = FRAME_WIDTH - stringWidth(number, pdf.FONT, 8.5) - 12
        canvas.drawString(MARGIN, FOOTER_Y, _fit(label, room, 8.5))
        canvas.drawRightString(right, FOOTER_Y, number)
        canvas.restoreState()

    return draw


def _fit(label, width, size):
    """Shorten a footer label with an ellipsis so it never runs into the page number."""
    if stringWidth(label, pdf.FONT, size) <= width:
        return label
    while label and stringWidth(label + "…", pdf.FONT, size) > width:
        label = label[:-1]
    return label.rstrip() + "…"
