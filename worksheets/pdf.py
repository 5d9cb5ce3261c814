"""Worksheets on paper: a blank copy to print, and a trainee's own answers for their portfolio.

A blank copy is for a room without Wi-Fi or a trainee who prefers pen and paper, so it leaves
real room to write: tall table cells, ruled lines under every question, boxes to tick. It is
built from ``worksheet.layout()`` without trainer material and never reads answer keys or
trainer notes, even if a caller passes a trainer's layout.

The completed copy prints exactly the answers it is given: callers filter them with
``worksheets.access`` first. Answers are the trainee's own words and are always escaped, so
text such as ``<b>`` or ``&`` comes out as typed. They are laid out as paragraphs, never as
table cells, because a cell cannot break across pages and a long answer would not fit.
A picture given as an answer is printed beside the text; a recording cannot be, so the
copy says the answer was given by speaking and can be heard online.
"""

import io

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from lms import pdf
from lms.pdf import text

from .access import written_more_privately
from .blocks import AUDIO, GROUP, PICTURE, PRIVATE, TRAINER
from .layout import file_key

SIDE_MARGIN = 18 * mm
TOP_MARGIN = 18 * mm
# Room at the bottom of the page for the footer and, on a blank's first page, a line to
# write one's name and the date on.
BOTTOM_MARGIN = 30 * mm
FOOTER_Y = 10 * mm
NAME_LINE_Y = FOOTER_Y + 9 * mm
FRAME_WIDTH = A4[0] - 2 * SIDE_MARGIN

# Handwriting needs more room than print: 9 mm between ruled lines suits large writing.
LINE_SPACING = 9 * mm
REFLECTION_LINES = 8
QUESTION_LINES = 6
# Four lines make a table cell about 3.6 cm tall, enough for two or three sentences.
TABLE_CELL_LINES = 4
WHY_LINES = 4
# A table starts on a new page unless its instructions, header and first row fit here.
START_ROOM = 80 * mm
# On a completed copy, a question starts a new page unless it and a few lines fit.
ANSWER_ROOM = 35 * mm
# A picture answer is printed at most this big, keeping its shape.
PICTURE_WIDTH = 110 * mm
PICTURE_HEIGHT = 90 * mm


# --- flowables ----------------------------------------------------------------------------


class WritingLines(Flowable):
    """Ruled lines to write on. Breaks across pages like a paragraph when it must."""

    def __init__(self, lines, spacing=LINE_SPACING):
        super().__init__()
        self.lines = lines
        self.spacing = spacing

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = self.lines * self.spacing
        return self.width, self.height

    def split(self, availWidth, availHeight):
        fit = int(availHeight // self.spacing)
        # Two lines at the foot of a page are too few to start writing on.
        if fit < 2 or fit >= self.lines:
            return []
        return [WritingLines(fit, self.spacing), WritingLines(self.lines - fit, self.spacing)]

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(pdf.RULE)
        canvas.setLineWidth(0.7)
        for number in range(1, self.lines + 1):
            y = self.height - number * self.spacing
            canvas.line(0, y, self.width, y)
        canvas.restoreState()


class TickBox(Flowable):
    """An empty square drawn beside a choice, big enough to tick with a pen.

    The square is drawn rather than typed as a character, so it shows whatever font the
    machine has.
    """

    SIZE = 4.2 * mm
    GAP = 2 * mm

    def __init__(self, label, style):
        super().__init__()
        self.style = style
        self.paragraph = Paragraph(text(label), style)

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        _width, self.text_height = self.paragraph.wrap(
            max(availWidth - self.SIZE - self.GAP, 10), availHeight
        )
        self.height = max(self.text_height, self.SIZE + 1)
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        top = self.height
        self.paragraph.drawOn(canvas, self.SIZE + self.GAP, top - self.text_height)
        # Line the square up with the first line of the label, sitting just below its baseline.
        baseline = top - self.style.fontSize
        canvas.saveState()
        canvas.setStrokeColor(pdf.INK)
        canvas.setLineWidth(0.9)
        canvas.rect(0, baseline - 2.2, self.SIZE, self.SIZE, stroke=1, fill=0)
        canvas.restoreState()


# --- styles -------------------------------------------------------------------------------


def _styles():
    styles = pdf.stylesheet()
    body = styles["Body"]
    styles.add(
        ParagraphStyle(
            "Prompt",
            parent=styles["Heading3"],
            fontSize=12.5,
            leading=17,
            spaceBefore=10,
            spaceAfter=3,
        )
    )
    styles.add(ParagraphStyle("Guidance", parent=body, textColor=pdf.MUTED, spaceAfter=4))
    styles.add(
        ParagraphStyle(
            "Visibility",
            parent=styles["Meta"],
            textColor=pdf.ACCENT,
            spaceAfter=6,
        )
    )
    styles.add(
        ParagraphStyle(
            "PartNumber", parent=styles["Meta"], spaceBefore=12, spaceAfter=0, keepWithNext=1
        )
    )
    styles.add(ParagraphStyle("Answer", parent=body, leftIndent=10, spaceAfter=4))
    # The label sits at the margin and the answer below it, indented like any other answer.
    styles.add(ParagraphStyle("LabelledAnswer", parent=styles["Answer"], firstLineIndent=-10))
    styles.add(ParagraphStyle("HintCell", parent=styles["Cell"], fontSize=9, leading=12))
    return styles


# --- the blank worksheet ------------------------------------------------------------------


def render_blank_pdf(worksheet, parts, *, programme=None) -> bytes:
    """A blank copy of ``worksheet`` to print, its rows resolved for ``programme``.

    ``parts`` comes from ``worksheet.layout(programme=programme)``.
    """
    styles = _styles()
    story = []
    if programme is not None:
        story.append(Paragraph(text(programme.title), styles["Subtitle"]))
    story += _worksheet_heading(worksheet, styles)
    story.append(
        Paragraph(
            text(
                _(
                    "Write in the boxes and on the lines. If you need more room, go on at the "
                    "back of the page."
                )
            ),
            styles["Note"],
        )
    )
    for number, part in enumerate(parts, start=1):
        if part.kind in ("table", "classification"):
            # The part's heading and instructions stay on the page where its table starts.
            story.append(CondPageBreak(START_ROOM))
        story += _blank_part(part, _part_number(number, len(parts), styles), styles)

    return _build(
        story,
        title=worksheet.title,
        subject=programme.title if programme is not None else "",
        lang=programme.language if programme is not None else None,
        footer_label=worksheet.title,
        name_line=True,
    )


def _worksheet_heading(worksheet, styles):
    flowables = [Paragraph(text(worksheet.title), styles["Title"])]
    if worksheet.reference:
        source = _("Source: %(reference)s") % {"reference": worksheet.reference}
        flowables.append(Paragraph(text(source), styles["Meta"]))
    flowables += [Paragraph(p, styles["Body"]) for p in _paragraphs(worksheet.instructions)]
    return flowables


def _part_number(number, total, styles):
    if total < 2:
        return []
    label = _("Part %(number)s of %(total)s") % {"number": number, "total": total}
    return [Paragraph(text(label), styles["PartNumber"])]


def _who_reads(part, styles, *, done=False, kept_private=False):
    """Who reads the answers to ``part``, in plain words; ``done`` for a completed copy.
    ``kept_private``: some of the answers were written when fewer people could read them,
    and stay so (``access.written_more_privately``)."""
    if done:
        messages = {
            PRIVATE: _("Private: only you can read these answers."),
            TRAINER: _("Your trainer can read these answers."),
            GROUP: _("These answers are shared with the group."),
        }
    else:
        messages = {
            PRIVATE: _("Private: only you will read what you write here."),
            TRAINER: _("Your trainer will read what you write here."),
            GROUP: _("You will share what you write here with the group."),
        }
    message = messages.get(part.visibility, messages[TRAINER])
    if kept_private:
        message = " ".join(
            [
                message,
                _(
                    "Some answers here were written when fewer people could read them. "
                    "They stay as private as they were then."
                ),
            ]
        )
    return Paragraph(text(message), styles["Visibility"])


def _blank_part(part, head, styles):
    """The part to fill in, led by ``head`` (its number), which stays on the same page."""
    if part.kind == "table":
        return _blank_table(part, head, styles)
    if part.kind == "reflection":
        return _blank_reflection(part, head, styles)
    if part.kind == "classification":
        return _blank_classification(part, head, styles)
    if part.kind == "case_questions":
        return _blank_case_questions(part, head, styles)
    return []


def _blank_table(part, head, styles):
    intro = [*head, *(Paragraph(p, styles["Body"]) for p in _paragraphs(part.instructions))]
    intro.append(_who_reads(part, styles))
    if not part.rows or not part.columns:
        return intro
    head = styles["CellHead"]
    label_width = 42 * mm
    column_width = (FRAME_WIDTH - label_width) / len(part.columns)
    # Rows built from the programme's values get a heading that says so; other rows speak
    # for themselves.
    first = _("Value") if part.rows[0][0].startswith("value-") else ""
    header = [Paragraph(text(first), head)]
    for heading, hint in part.columns:
        cell_content = [Paragraph(text(heading), head)]
        if hint:
            cell_content.append(Paragraph(f"<i>{text(hint)}</i>", styles["HintCell"]))
        header.append(cell_content)
    rows = [header]
    for _key, label in part.rows:
        rows.append(
            [Paragraph(text(label), head)]
            + [WritingLines(TABLE_CELL_LINES) for _column in part.columns]
        )
    table = Table(
        rows,
        colWidths=[label_width] + [column_width] * len(part.columns),
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(_grid_style())
    return [*intro, Spacer(1, 2 * mm), table]


def _blank_reflection(part, head, styles):
    prompt = part.prompts[0]
    flowables = [*head, Paragraph(_multiline(prompt.label), styles["Prompt"])]
    if prompt.hint:
        words = _("Words that may help: %(words)s") % {"words": prompt.hint}
        flowables.append(Paragraph(f"<i>{text(words)}</i>", styles["Guidance"]))
    also = _answer_online(prompt.formats)
    if also:
        # A paper copy cannot take a recording; the trainee should know there is a way.
        flowables.append(Paragraph(f"<i>{text(also)}</i>", styles["Guidance"]))
    flowables.append(_who_reads(part, styles))
    flowables.append(WritingLines(REFLECTION_LINES))
    return [KeepTogether(flowables), Spacer(1, 4 * mm)]


def _answer_online(formats):
    if AUDIO in formats and PICTURE in formats:
        return _("You can also answer online, by speaking or with a picture.")
    if AUDIO in formats:
        return _("You can also answer online, by speaking.")
    if PICTURE in formats:
        return _("You can also answer online, with a picture.")
    return ""


def _blank_classification(part, head, styles):
    flowables = [*head, Paragraph(text(part.question), styles["Prompt"])]
    ask_why = any(item.why for item in part.items)
    if ask_why:
        how = _("For each situation, tick one box and write why.")
    else:
        how = _("For each situation, tick one box.")
    flowables.append(Paragraph(text(how), styles["Body"]))
    flowables.append(_who_reads(part, styles))
    if not part.items:
        return flowables

    cell, head = styles["Cell"], styles["CellHead"]
    show_description = any(item.description for item in part.items)
    show_persons = any(item.persons_involved for item in part.items)
    text_columns = [(_("Situation"), 1.0, lambda item: item.situation)]
    if show_description:
        text_columns.append((_("What happens"), 1.15, lambda item: item.description))
    if show_persons:
        text_columns.append((_("Who is involved"), 1.15, lambda item: item.persons_involved))
    # Wide enough for "It depends" on one line beside its box.
    answer_width = 32 * mm
    why_width = 46 * mm if ask_why else 0
    share = (FRAME_WIDTH - answer_width - why_width) / sum(w for _l, w, _g in text_columns)
    widths = [share * weight for _label, weight, _get in text_columns] + [answer_width]
    header = [Paragraph(text(label), head) for label, _w, _get in text_columns]
    header.append(Paragraph(text(_("Your answer")), head))
    if ask_why:
        widths.append(why_width)
        header.append(Paragraph(text(_("Why?")), head))

    rows = [header]
    for item in part.items:
        # Only the situation and what the trainee fills in: the answer key and the trainer's
        # note are never read here.
        row = [
            Paragraph(text(get(item)), head if index == 0 else cell)
            for index, (_label, _weight, get) in enumerate(text_columns)
        ]
        boxes = []
        for choice in part.choices:
            boxes += [TickBox(choice, cell), Spacer(1, 2.5 * mm)]
        row.append(boxes[:-1])
        if ask_why:
            row.append(WritingLines(WHY_LINES) if item.why else "")
        rows.append(row)
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(_grid_style())
    return [*flowables, Spacer(1, 2 * mm), table]


def _blank_case_questions(part, head, styles):
    flowables, lead = [], list(head)
    scenario = part.scenario
    if scenario is not None:
        flowables += lead + _scenario(scenario, styles)
        lead = [Paragraph(text(_("Questions")), styles["Heading2"])] if part.prompts else []
    # Whatever leads into the questions stays on the page of the first one.
    lead.append(_who_reads(part, styles))
    for number, prompt in enumerate(part.prompts, start=1):
        flowables.append(
            KeepTogether(
                [
                    *lead,
                    Paragraph(f"{number}. {_multiline(prompt.label)}", styles["Prompt"]),
                    WritingLines(QUESTION_LINES),
                ]
            )
        )
        lead = []
    return flowables + lead


def _scenario(scenario, styles):
    from curriculum.guide_pdf import case_scenario_flowables

    warning = _("This story talks about these topics. You can take a break at any time.")
    return case_scenario_flowables(scenario, styles, warning=warning)


def _grid_style():
    return pdf.table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), pdf.SHADE),
        ("BOX", (0, 0), (-1, -1), 0.9, pdf.MUTED),
        ("INNERGRID", (0, 0), (-1, -1), 0.6, pdf.MUTED),
        ("LINEBELOW", (0, 0), (-1, 0), 1, pdf.ACCENT),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    )


# --- the completed worksheet --------------------------------------------------------------


def render_response_pdf(response, parts, answers, *, comments=None, pictures=None) -> bytes:
    """One trainee's completed worksheet, with what they wrote and their trainer's feedback.

    ``answers`` is already limited to what the reader may see (``worksheets.access``);
    ``comments`` optionally maps answer keys to the trainer's comments on them;
    ``pictures`` maps the ids of picture answers to their ``AnswerFile`` (see
    ``answer_pictures``), to print them. The response should come with ``worksheet`` and
    ``enrolment__cohort__programme`` and ``enrolment__trainee`` selected, so printing it adds
    no queries for those.
    """
    styles = _styles()
    story = _response_section(response, parts, answers, comments or {}, styles, pictures or {})
    worksheet = response.worksheet
    programme = response.enrolment.cohort.programme
    name = _person(response.enrolment.trainee)
    return _build(
        story,
        title=worksheet.title,
        subject=name,
        lang=getattr(programme, "language", None),
        footer_label=f"{worksheet.title} · {name}",
    )


def render_portfolio_pdf(items, *, trainee=None, pictures=None) -> bytes:
    """Every worksheet of a trainee's portfolio in one PDF, one section per worksheet.

    ``items`` is a list of ``(response, parts, answers)`` in the order to print, answers
    already filtered. ``trainee`` names the owner when there are no items yet. ``pictures``
    as for ``render_response_pdf``, for all the items at once.
    """
    styles = _styles()
    if trainee is None and items:
        trainee = items[0][0].enrolment.trainee
    name = _person(trainee) if trainee is not None else ""
    title = _("Worksheet portfolio")
    story = [
        Paragraph(text(title), styles["Title"]),
        Paragraph(text(name), styles["Subtitle"]),
        Paragraph(text(_("Printed on %(date)s") % {"date": _date(timezone.now())}), styles["Meta"]),
    ]
    if items:
        contents = [
            f"{text(response.worksheet.title)} <font color='{pdf.ACCENT_HEX}'>"
            f"({text(response.get_status_display())})</font>"
            for response, _parts, _answers in items
        ]
        story.append(Paragraph(text(_("Worksheets in this portfolio")), styles["Heading2"]))
        story.append(pdf.bullet_list(contents, styles, numbered=True))
    else:
        story.append(Paragraph(text(_("No worksheets yet.")), styles["Body"]))
    for response, parts, answers in items:
        story.append(PageBreak())
        story += _response_section(response, parts, answers, {}, styles, pictures or {})
    return _build(
        story,
        title=f"{title} – {name}" if name else title,
        subject=name,
        lang=None,
        footer_label=f"{title} · {name}" if name else title,
    )


def answer_pictures(answers_list):
    """The ``AnswerFile`` of every picture answer in ``answers_list`` (answer mappings already
    filtered by the access rules), by id as the answers hold it. One query."""
    from .models import AnswerFile

    ids = {
        int(value)
        for answers in answers_list
        for key, value in answers.items()
        if key.endswith(f":{PICTURE}") and str(value).isdigit()
    }
    if not ids:
        return {}
    return {str(found.pk): found for found in AnswerFile.objects.filter(pk__in=ids)}


def _response_section(response, parts, answers, comments, styles, pictures=None):
    worksheet = response.worksheet
    cohort = response.enrolment.cohort
    flowables = [Paragraph(text(worksheet.title), styles["Title"])]
    where = _("Cohort: %(cohort)s · Programme: %(programme)s") % {
        "cohort": cohort.name,
        "programme": cohort.programme.title,
    }
    flowables.append(Paragraph(text(where), styles["Meta"]))
    facts = [_("Status: %(status)s") % {"status": response.get_status_display()}]
    if response.created_at:
        facts.append(_("Started %(date)s") % {"date": _date(response.created_at)})
    if response.submitted_at:
        facts.append(_("Handed in %(date)s") % {"date": _date(response.submitted_at)})
    if response.reviewed_at:
        facts.append(_("Reviewed %(date)s") % {"date": _date(response.reviewed_at)})
    if response.on_paper:
        facts.append(_("Completed on paper"))
    flowables.append(Paragraph(text(" · ".join(facts)), styles["Meta"]))
    if worksheet.reference:
        source = _("Source: %(reference)s") % {"reference": worksheet.reference}
        flowables.append(Paragraph(text(source), styles["Meta"]))
    flowables += [Paragraph(p, styles["Body"]) for p in _paragraphs(worksheet.instructions)]

    for number, part in enumerate(parts, start=1):
        flowables += _part_number(number, len(parts), styles)
        flowables += _answered_part(
            part,
            answers,
            comments,
            styles,
            pictures or {},
            kept_private=written_more_privately(response, part),
        )

    if (response.feedback or "").strip():
        flowables.append(Paragraph(text(_("Feedback from your trainer")), styles["Heading2"]))
        flowables += [Paragraph(p, styles["Note"]) for p in _paragraphs(response.feedback)]
    return flowables


def _answered_part(part, answers, comments, styles, pictures, *, kept_private=False):
    # A prompt starts a new page unless it and the first lines of its answer fit here. The
    # answers themselves are plain paragraphs, so a long one simply runs onto the next page.
    def answer(key, label=None):
        return _answer(
            answers.get(key),
            comments.get(key),
            styles,
            label=label,
            spoken=bool(answers.get(file_key(key, AUDIO))),
            picture=pictures.get(answers.get(file_key(key, PICTURE)) or ""),
            pictured=bool(answers.get(file_key(key, PICTURE))),
        )

    room = CondPageBreak(ANSWER_ROOM)
    if part.kind == "table":
        flowables = [Paragraph(p, styles["Body"]) for p in _paragraphs(part.instructions)]
        flowables.append(_who_reads(part, styles, done=True, kept_private=kept_private))
        for row_key, label in part.rows:
            flowables += [room, Paragraph(text(label), styles["Prompt"])]
            for index, (heading, _hint) in enumerate(part.columns):
                flowables += answer(part.cell(row_key, index), heading)
        return flowables
    if part.kind == "reflection":
        prompt = part.prompts[0]
        return [
            room,
            Paragraph(_multiline(prompt.label), styles["Prompt"]),
            _who_reads(part, styles, done=True, kept_private=kept_private),
            *answer(prompt.key),
        ]
    if part.kind == "classification":
        flowables = [
            room,
            Paragraph(text(part.question), styles["Prompt"]),
            _who_reads(part, styles, done=True, kept_private=kept_private),
        ]
        for item in part.items:
            # The answer key and trainer note are never read here either.
            flowables += [room, Paragraph(text(item.situation), styles["Heading3"])]
            details = [d for d in (item.description, item.persons_involved) if d]
            if details:
                flowables.append(Paragraph(text(" · ".join(details)), styles["Meta"]))
            flowables += answer(item.judgement.key, _("Your answer"))
            if item.why:
                flowables += answer(item.why.key, _("Why?"))
        return flowables
    if part.kind == "case_questions":
        flowables = [room]
        if part.scenario is not None:
            title = _("Case scenario: %(title)s") % {"title": part.scenario.title}
            flowables.append(Paragraph(text(title), styles["Heading2"]))
        flowables.append(_who_reads(part, styles, done=True, kept_private=kept_private))
        for number, prompt in enumerate(part.prompts, start=1):
            flowables += [
                room,
                Paragraph(f"{number}. {_multiline(prompt.label)}", styles["Prompt"]),
                *answer(prompt.key),
            ]
        return flowables
    return []


def _answer(value, comments, styles, *, label=None, spoken=False, picture=None, pictured=False):
    """The answer as typed, or "No answer"; a ``label`` opens its first paragraph, so the
    label can never be left alone at the foot of a page. ``spoken``: a recording was given
    too; ``picture``: the ``AnswerFile`` of a picture given too, printed below the text
    (``pictured`` says there is one even when it cannot be printed)."""
    paragraphs = _paragraphs(value if isinstance(value, str) else "")
    drawn = _picture(picture) if picture is not None else None
    notes = []
    if spoken:
        notes.append(_("Answered by audio (listen online)."))
    if pictured and drawn is None:
        notes.append(_("Answered with a picture (see it online)."))
    if not paragraphs and not notes:
        notes.append(_("Answered with a picture:") if drawn is not None else _("No answer"))
    muted = "#" + pdf.MUTED.hexval()[2:]
    paragraphs += [f'<font color="{muted}"><i>{text(note)}</i></font>' for note in notes]
    if label:
        paragraphs[0] = f"<b>{text(label)}</b><br/>{paragraphs[0]}"
    style = styles["LabelledAnswer"] if label else styles["Answer"]
    flowables = [Paragraph(paragraphs[0], style)]
    flowables += [Paragraph(p, styles["Answer"]) for p in paragraphs[1:]]
    if drawn is not None:
        flowables.append(drawn)
    for comment in comments or ():
        trainer = _("Trainer:")  # outside the f-string, where makemessages finds it
        line = f"<b>{text(trainer)}</b> {_multiline(comment)}"
        flowables.append(Paragraph(line, styles["Note"]))
    return flowables


# --- helpers ------------------------------------------------------------------------------


def _picture(answer_file):
    """A picture answer scaled to fit, or None when its file cannot be read. The file was
    re-encoded when it was received (``answer_files.check_picture``), so it is a plain JPEG or
    PNG that reportlab draws without surprises."""
    try:
        with answer_file.file.open("rb") as handle:
            data = io.BytesIO(handle.read())
        width, height = ImageReader(data).getSize()
    except Exception:
        # A missing or unreadable file must not stop the rest of the trainee's answers printing.
        return None
    data.seek(0)
    scale = min(PICTURE_WIDTH / width, PICTURE_HEIGHT / height, 1)
    picture = Image(data, width=width * scale, height=height * scale)
    picture.hAlign = "LEFT"
    return picture


def _build(story, *, title, subject, lang, footer_label, name_line=False):
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
        subject=subject,
        creator=site,
        lang=lang,
        # Otherwise reportlab starts every page in Helvetica, which is never embedded.
        initialFontName=pdf.FONT,
    )
    document.build(
        story,
        onFirstPage=_footer(footer_label, name_line=name_line),
        onLaterPages=_footer(footer_label),
    )
    return buffer.getvalue()


def _footer(label, *, name_line=False):
    def draw(canvas, document):
        canvas.saveState()
        right = A4[0] - SIDE_MARGIN
        if name_line:
            _draw_name_line(canvas, right)
        canvas.setFont(pdf.FONT, 8.5)
        canvas.setFillColor(pdf.MUTED)
        canvas.setStrokeColor(pdf.RULE)
        canvas.line(SIDE_MARGIN, FOOTER_Y + 10, right, FOOTER_Y + 10)
        number = _("Page %(number)s") % {"number": document.page}
        room = FRAME_WIDTH - stringWidth(number, pdf.FONT, 8.5) - 12
        canvas.drawString(SIDE_MARGIN, FOOTER_Y, _fit(label, room, 8.5))
        canvas.drawRightString(right, FOOTER_Y, number)
        canvas.restoreState()

    return draw


def _draw_name_line(canvas, right):
    """'Name: ____  Date: ____' above the footer, so a loose first page finds its owner."""
    size = 11
    canvas.setFont(pdf.FONT, size)
    canvas.setFillColor(pdf.INK)
    canvas.setStrokeColor(pdf.INK)
    canvas.setLineWidth(0.7)
    name, date = _("Name:"), _("Date:")
    date_x = SIDE_MARGIN + FRAME_WIDTH * 0.66
    canvas.drawString(SIDE_MARGIN, NAME_LINE_Y, name)
    start = SIDE_MARGIN + stringWidth(name, pdf.FONT, size) + 6
    canvas.line(start, NAME_LINE_Y - 2, date_x - 10 * mm, NAME_LINE_Y - 2)
    canvas.drawString(date_x, NAME_LINE_Y, date)
    start = date_x + stringWidth(date, pdf.FONT, size) + 6
    canvas.line(start, NAME_LINE_Y - 2, right, NAME_LINE_Y - 2)


def _fit(label, width, size):
    """Shorten a footer label with an ellipsis so it never runs into the page number."""
    if stringWidth(label, pdf.FONT, size) <= width:
        return label
    while label and stringWidth(label + "…", pdf.FONT, size) > width:
        label = label[:-1]
    return label.rstrip() + "…"


def _paragraphs(plain):
    """Plain text with blank lines between paragraphs, as escaped Paragraph markup."""
    blocks = [block.strip() for block in (plain or "").replace("\r\n", "\n").split("\n\n")]
    return [_multiline(block) for block in blocks if block]


def _multiline(plain):
    return text(str(plain).strip()).replace("\n", "<br/>")


def _person(user):
    return (user.get_full_name() or user.get_username()).strip()


def _date(value):
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")
