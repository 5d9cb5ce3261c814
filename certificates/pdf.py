"""The certificate as a PDF: rendered once, at issue, from the certificate's frozen snapshot.

Everything printed comes from ``certificate.snapshot`` and ``certificate.code``, never from
the programme, the template or the person's account, which may all change later: the file
stored with its SHA-256 must stay what was issued. For the same reason the document is
built in reportlab's ``invariant`` mode (fixed creation date and document id), so the same
snapshot and code always give the same bytes.

Page 1 is the certificate a person frames or hands to an employer: title, name, statement,
programme, dates, hours, attendance, credits with their basis, signatures, and the
verification code with its QR. The next page lists the sessions and the learning outcomes,
so a university can see what the hours were made of. Every page carries the code, so a
loose page still belongs to its certificate.

Bulk issue needs speed (the aim is 50 certificates a second on one core), so: the fonts are
registered once per process (``lms.pdf.register_fonts``); a logo is read from storage and
scaled down once per process; text is wrapped with ``simpleSplit`` and drawn as plain lines
and plain table cells rather than Paragraphs, whose markup parsing cost more than the rest
of the page; and the QR code is drawn as one path (see below).
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
import unicodedata
from functools import lru_cache

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.barcode.qrencoder import QRCode, QRUtil
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Spacer,
    Table,
)

from lms import pdf

from .issuing import verify_url

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 30 * mm
LOGO_MAX = (55 * mm, 20 * mm)
# Logos are scaled down to 300 dpi at their printed size: sharp on paper, small in the
# file (the PDF is stored in the certificate's database row).
LOGO_PIXELS = (round(LOGO_MAX[0] / 72 * 300), round(LOGO_MAX[1] / 72 * 300))
SIGNATURE_WIDTH = 65 * mm
# The verification box sits just above the page footer; the signatures sit above the box.
VERIFICATION_HEIGHT = QR_SIZE + 6 * mm
VERIFICATION_TOP = 22 * mm + VERIFICATION_HEIGHT

HOW = {
    "attended": gettext_lazy("Attended"),
    "caught_up": gettext_lazy("Caught up"),
    "missed": gettext_lazy("Missed"),
}


# --- names the font cannot draw ------------------------------------------------------------
#
# The known gap. DejaVu Sans covers Latin, Greek and Cyrillic, so "Zoë Łukasiewicz",
# "Ștefan Dvořák", "Αλεξάνδρα" and "Олена Шевченко" print correctly. It has no Chinese,
# Japanese or Korean characters, and although it holds Arabic and Hebrew letters, reportlab
# only joins them and sets them right to left when the optional ``uharfbuzz`` (shaping) and
# ``rlbidi`` (direction) packages are installed, which they are not. Such a name would come
# out as empty boxes, or as separate letters in the wrong order. Rather than print that
# silently, the certificate prints what it can and adds a sentence under the name saying
# the record holds the name exactly as written. The PDF's title (its metadata) always holds
# the name exactly, and for Arabic and Hebrew so does the text layer (copying or reading
# aloud); characters the font has no glyph for at all are lost from the text layer. To
# close the gap: install uharfbuzz and rlbidi, and register a TrueType font with CJK
# outlines (reportlab cannot embed CFF-flavoured OpenType such as Noto Sans CJK) to draw
# such a name with.

# Scripts whose letters change shape with their neighbours or run right to left.
NEEDS_SHAPING = (
    (0x0590, 0x08FF),  # Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Arabic extensions
    (0x0900, 0x0DFF),  # Indic scripts
    (0x0E00, 0x0FFF),  # Thai, Lao, Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0xFB1D, 0xFDFF),  # Hebrew and Arabic presentation forms
    (0xFE70, 0xFEFF),  # Arabic presentation forms B
)


def cannot_print(value, font_name=pdf.FONT_BOLD):
    """The characters of ``value`` that the embedded font cannot print correctly."""
    pdf.register_fonts()
    glyphs = pdfmetrics.getFont(font_name).face.charToGlyph
    missing = []
    for char in value:
        code = ord(char)
        if char.isspace() or unicodedata.category(char).startswith(("M", "C")):
            continue  # combining marks ride on their letter; controls print nothing
        if code not in glyphs or any(low <= code <= high for low, high in NEEDS_SHAPING):
            if char not in missing:
                missing.append(char)
    return missing


# --- text ---------------------------------------------------------------------------------------


def _day(iso):
    """An ISO date from the snapshot in words, in the certificate's language."""
    if not iso:
        return ""
    return formats.date_format(datetime.date.fromisoformat(iso), "j F Y")


def _fit(value, font, size, width, smallest):
    """The largest font size up to ``size`` at which ``value`` fits in ``width``."""
    actual = pdfmetrics.stringWidth(value, font, size)
    if actual <= width:
        return size
    return max(smallest, size * width / actual)


def _wrapped(value, font, size, width):
    """``value`` broken into lines that fit ``width``, joined for a table cell."""
    return "\n".join(simpleSplit(str(value), font, size, width))


class _Block:
    """A piece of page 1: its height, and how to draw it with its top at ``top``."""

    def __init__(self, height, draw, gap_after=0):
        self.height = height
        self.draw = draw
        self.gap_after = gap_after

    @property
    def space(self):
        return self.height + self.gap_after


def _lines_block(
    value, font, size, *, colour=pdf.INK, width=CONTENT_WIDTH, x=MARGIN, centred=False,
    leading=None, gap_after=0,
):  # fmt: skip
    """Plain text wrapped to ``width``, left-aligned or centred."""
    lines = simpleSplit(value, font, size, width)
    leading = leading or round(size * 1.3, 1)

    def draw(c, top):
        c.setFont(font, size)
        c.setFillColor(colour)
        y = top - size
        for line in lines:
            if centred:
                c.drawCentredString(x + width / 2, y, line)
            else:
                c.drawString(x, y, line)
            y -= leading

    return _Block(leading * len(lines), draw, gap_after)


def _line_block(value, font, size, colour, gap_after=0, *, smallest=None):
    """One centred line, shrunk to fit the page width when it is long."""
    size = _fit(value, font, size, CONTENT_WIDTH, smallest or size)
    return _lines_block(value, font, size, colour=colour, centred=True, gap_after=gap_after)


def _name_block(name):
    """The holder's name, large; a long name shrinks, a very long one wraps."""
    size = _fit(name, pdf.FONT_BOLD, 30, CONTENT_WIDTH, 16)
    return _lines_block(name, pdf.FONT_BOLD, size, centred=True, gap_after=3 * mm)


# --- the logo -----------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _logo(name):
    """The logo at ``name`` in default storage, scaled down; None when it cannot be read.

    Read once per process and name, as bulk issue renders hundreds of certificates with
    one logo. Wagtail saves a new or replaced original under a name not in use at the time,
    so a name stands for one file. A missing or broken file must not stop a certificate
    from being issued: the logo is left out.
    """
    if not name:
        return None
    from django.core.files.storage import default_storage
    from PIL import Image

    try:
        with default_storage.open(name, "rb") as handle:
            image = Image.open(handle)
            image.load()
    except Exception:  # noqa: BLE001 - whatever is wrong with the file, leave the logo out
        return None
    image.thumbnail(LOGO_PIXELS)
    if image.mode != "RGB":
        # Flattened onto white, the paper's colour: one image, no transparency mask.
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    return image


def _logo_block(name):
    image = _logo(name)
    if image is None:
        return None
    width, height = image.size
    scale = min(LOGO_MAX[0] / width, LOGO_MAX[1] / height)
    w, h = width * scale, height * scale

    def draw(c, top):
        c.drawImage(ImageReader(image), (PAGE_WIDTH - w) / 2, top - h, w, h)

    return _Block(h, draw, 5 * mm)


# --- credits ----------------------------------------------------------------------------------


def credit_amount(item):
    """The amount, such as "4 RQF credits"; a dash for a framework that only has levels."""
    if item.get("credits") is None:
        return "—"
    return f"{item['credits']} {item.get('credit_name') or item.get('short_name', '')}".strip()


def credit_basis(item):
    """The basis in plain words: who recognised the credits, or that we worked them out."""
    if item.get("basis") == "recognised":
        words = _("Recognised by %(body)s") % {"body": item.get("recognised_by") or "?"}
        if item.get("agreement_reference") and item.get("agreed_on"):
            words += _(", agreement %(reference)s of %(date)s") % {
                "reference": item["agreement_reference"],
                "date": _day(item["agreed_on"]),
            }
        elif item.get("agreement_reference"):
            words += _(", agreement %(reference)s") % {"reference": item["agreement_reference"]}
        elif item.get("agreed_on"):
            words += _(", agreed on %(date)s") % {"date": _day(item["agreed_on"])}
        if item.get("valid_until"):
            words += _(", valid until %(date)s") % {"date": _day(item["valid_until"])}
        return words + "."
    words = _("Indicative: worked out from the workload")
    if item.get("total_hours"):
        words += _(" (%(hours)s hours)") % {"hours": item["total_hours"]}
    return words + "."


CELL_SIZE = 9
CELL_PADDING = 4


def _table(rows, fractions, *, bold_columns=()):
    """A table of plain text cells, wrapped to their columns; the first row is the head.

    Plain strings, not Paragraphs: with a Paragraph in every cell, the sessions table alone
    took longer than all the rest of the certificate.
    """
    widths = [fraction * CONTENT_WIDTH for fraction in fractions]
    wrapped = []
    for index, row in enumerate(rows):
        cells = []
        for col, value in enumerate(row):
            bold = index == 0 or col in bold_columns
            font = pdf.FONT_BOLD if bold else pdf.FONT
            cells.append(_wrapped(value, font, CELL_SIZE, widths[col] - 2 * CELL_PADDING))
        wrapped.append(cells)
    commands = [
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_SIZE + 2.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), pdf.INK),
        ("FONTNAME", (0, 0), (-1, 0), pdf.FONT_BOLD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), pdf.SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, pdf.RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    for col in bold_columns:
        commands.append(("FONTNAME", (col, 1), (col, -1), pdf.FONT_BOLD))
    return Table(wrapped, colWidths=widths, repeatRows=1, style=pdf.table_style(*commands))


def _credits_table(credits):
    rows = [[_("Framework"), _("Credits"), _("Level"), _("Basis")]]
    for item in credits:
        framework = item.get("framework") or item.get("short_name", "")
        if item.get("short_name") and item["short_name"] != framework:
            framework += f" ({item['short_name']})"
        rows.append([framework, credit_amount(item), item.get("level") or "—", credit_basis(item)])
    return _table(rows, [0.33, 0.17, 0.1, 0.4], bold_columns=(1,))


def _credits_note(credits):
    if all(item.get("basis") == "recognised" for item in credits):
        return None
    return _(
        "Indicative credits are our own careful estimate from the workload. The body that "
        "admits you decides what it recognises."
    )


class _TableBlock(_Block):
    def __init__(self, table, gap_after=0):
        _w, height = table.wrap(CONTENT_WIDTH, PAGE_HEIGHT)
        super().__init__(height, lambda c, top: table.drawOn(c, MARGIN, top - height), gap_after)


class _TextFlowable(Flowable):
    """A block of plain lines as a flowable for the later pages."""

    def __init__(self, value, font=pdf.FONT, size=10, colour=pdf.INK, space_before=0,
                 space_after=0, keep_with_next=False):  # fmt: skip
        super().__init__()
        self.value, self.font, self.size, self.colour = value, font, size, colour
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.keepWithNext = keep_with_next
        self.leading = round(size * 1.3, 1)
        self.lines = []

    def wrap(self, available_width, available_height):
        self.lines = simpleSplit(self.value, self.font, self.size, available_width)
        return available_width, self.leading * len(self.lines)

    def draw(self):
        c = self.canv
        c.setFont(self.font, self.size)
        c.setFillColor(self.colour)
        y = self.leading * len(self.lines) - self.size
        for line in self.lines:
            c.drawString(0, y, line)
            y -= self.leading


def _heading(value):
    return _TextFlowable(
        value, pdf.FONT_BOLD, 13, pdf.ACCENT, space_before=8, space_after=6, keep_with_next=True
    )


# --- the QR code ----------------------------------------------------------------------------
#
# reportlab's QrCodeWidget encodes the address (its error correction and data layout are
# used as they are). Its own drawing is left aside: it builds a shape object per run of
# dark modules and scores the eight masks with a slow scorer, about 110 ms per certificate,
# more than all the rest. Here everything that depends only on the QR version (where the
# data goes, the fixed patterns, each mask) is worked out once per process as big integers,
# one bit per module, so trying a mask is an XOR; the masks are scored by the same rules as
# the widget scores them (long runs, 2x2 blocks, finder-like patterns, dark share), and the
# chosen symbol is drawn as a single path. About 2 ms, and the very symbol the widget draws.

_RUNS = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = re.compile(r"10111010000")


def _penalty(grid, size):
    """The mask penalty of a symbol given as one string of 0 and 1, row after row."""
    rows = [grid[start : start + size] for start in range(0, size * size, size)]
    columns = [grid[col::size] for col in range(size)]
    score = 0
    for line in (*rows, *columns):
        for run in _RUNS.finditer(line):
            score += run.end() - run.start() - 2
    # Finder-like patterns exactly as the widget counts them: along rows only, in one
    # direction, never ending on the last module. A quirk, kept so both pick one mask.
    score += 40 * sum(len(_FINDER_LIKE.findall(row, 0, size - 1)) for row in rows)
    # 2x2 blocks of one colour, with each row as an integer of bits.
    numbers = [int(row, 2) for row in rows]
    inside = (1 << (size - 1)) - 1
    for upper, lower in itertools.pairwise(numbers):
        same_down = ~(upper ^ lower)
        same_across = ~(upper ^ (upper >> 1))
        score += 3 * (same_down & (same_down >> 1) & same_across & inside).bit_count()
    dark = grid.count("1")
    score += 10 * (abs(dark * 100 // (size * size) - 50) // 5)
    return score


def _as_int(modules):
    return int("".join("1" if dark else "0" for row in modules for dark in row), 2)


@lru_cache(maxsize=8)
def _qr_layout(version, level):
    """What depends only on the version: the data positions (flat indices, in placing
    order), the fixed patterns as scored (format and version information left blank, as
    the widget scores them) and as drawn, and per mask its format information and its bits
    over the data area."""
    qr = QRCode(version, level)
    size = version * 4 + 17
    patterns = []
    for test in (True, False):
        qr.makeImpl(test, 0)
        positions = [row * size + col for col, row in qr.dataPosIterator()]
        for index in positions:
            qr.modules[index // size][index % size] = False
        qr.setupTypeInfo(True, 0)  # blank: the format information depends on the mask
        patterns.append(_as_int(qr.modules))
    formats_, masks = [], []
    for mask in range(8):
        qr.modules = [[False] * size for _row in range(size)]
        qr.setupTypeInfo(False, mask)
        formats_.append(_as_int(qr.modules))
        dark = QRUtil.getMask(mask)
        masks.append(
            sum(1 << (size * size - 1 - i) for i in positions if dark(i // size, i % size))
        )
    return size, positions, patterns[0], patterns[1], formats_, masks


def qr_modules(value):
    """The QR symbol for ``value`` (error correction level M) as rows of 0/1 strings."""
    qr = QrCodeWidget(value, barLevel="M").qr
    version = qr.calculate_version()
    size, positions, scored, fixed, formats_, masks = _qr_layout(version, qr.errorCorrectLevel)
    data = QRCode.createData(version, qr.errorCorrectLevel, qr.dataList)
    bits = "".join(format(byte, "08b") for byte in data)
    last = size * size - 1
    placed = sum(
        1 << (last - index) for index, bit in zip(positions, bits, strict=False) if bit == "1"
    )
    width = size * size
    scores = [
        _penalty(format(scored | (placed ^ masks[mask]), f"0{width}b"), size) for mask in range(8)
    ]
    best = scores.index(min(scores))  # the first of equals, as the widget picks
    grid = format(fixed | formats_[best] | (placed ^ masks[best]), f"0{width}b")
    return [grid[start : start + size] for start in range(0, width, size)]


def _draw_qr(c, value, x, y, size, quiet=4):
    """The QR symbol in a ``size`` square at (x, y), quiet zone included."""
    modules = qr_modules(value)
    count = len(modules)
    # One path in module units, row 0 at the top; the transform scales it to ``size``.
    path = []
    for r, row in enumerate(modules):
        col = 0
        for colour, run in itertools.groupby(row):
            length = len(list(run))
            if colour == "1":
                path.append(f"{col + quiet} {count + quiet - r - 1} {length} 1 re")
            col += length
    c.saveState()
    c.translate(x, y)
    scale = size / (count + 2 * quiet)
    c.scale(scale, scale)
    c.setFillColor(pdf.colors.white)
    c.rect(0, 0, count + 2 * quiet, count + 2 * quiet, stroke=0, fill=1)
    c.setFillColor(pdf.colors.black)
    c.addLiteral("\n".join(path) + "\nf")
    c.restoreState()


def _verification_block(code, url):
    text_x = MARGIN + QR_SIZE + 8 * mm
    text_width = CONTENT_WIDTH - QR_SIZE - 12 * mm
    check = _("Check at %(url)s") % {"url": url}
    if pdfmetrics.stringWidth(check, pdf.FONT, 10.5) <= text_width:
        address = _lines_block(check, pdf.FONT, 10.5, width=text_width, x=text_x, gap_after=3)
    else:
        # A long address goes on a line of its own, smaller, never cut.
        size = _fit(url, pdf.FONT, 10.5, text_width, 5)
        first = _lines_block(_("Check at"), pdf.FONT, 10.5, width=text_width, x=text_x)
        second = _lines_block(url, pdf.FONT, size, width=text_width, x=text_x, gap_after=3)
        address = _Block(
            first.space + second.space,
            lambda c, top: (first.draw(c, top), second.draw(c, top - first.space)),
        )
    explain = _lines_block(
        _(
            "Scan the QR code, or open the address, to see whether this certificate is "
            "valid. The page also says if it was withdrawn or replaced."
        ),
        pdf.FONT, 8.5, colour=pdf.MUTED, width=text_width, x=text_x,
    )  # fmt: skip

    def draw(c, top):
        bottom = top - VERIFICATION_HEIGHT
        c.setFillColor(pdf.SHADE)
        c.setStrokeColor(pdf.RULE)
        c.setLineWidth(0.6)
        c.roundRect(MARGIN, bottom, CONTENT_WIDTH, VERIFICATION_HEIGHT, 3 * mm, stroke=1, fill=1)
        _draw_qr(c, url, MARGIN + 3 * mm, bottom + 3 * mm, QR_SIZE)
        y = top - 5 * mm
        c.setFillColor(pdf.MUTED)
        c.setFont(pdf.FONT, 9)
        c.drawString(text_x, y - 9, _("Certificate code"))
        c.setFillColor(pdf.INK)
        c.setFont(pdf.FONT_BOLD, 15)
        c.drawString(text_x, y - 27, code)
        y -= 34
        address.draw(c, y)
        explain.draw(c, y - address.space)

    return _Block(VERIFICATION_HEIGHT, draw)


# --- page 1 -------------------------------------------------------------------------------------


def _facts(snapshot):
    """Label and value pairs under the statement."""
    organisation = snapshot.get("organisation", {})
    issuer = snapshot.get("issuer", {})
    hours = snapshot.get("hours", {})
    attendance = snapshot.get("attendance", {})
    where = ", ".join(
        part
        for part in (
            organisation.get("name"),
            organisation.get("city"),
            organisation.get("country"),
        )
        if part
    )
    issued = _day(snapshot.get("issued_on"))
    if issuer.get("officer"):
        issued = _("%(date)s, signed off by %(person)s") % {
            "date": issued,
            "person": issuer["officer"],
        }
    return [
        (_("Programme"), snapshot.get("programme", {}).get("title", ""), True),
        (_("Organisation"), where, False),
        (_("Completed on"), _day(snapshot.get("completed_on")), False),
        (_("Issued on"), issued, False),
        (_("Valid until"), _day(snapshot.get("expires_on")) or _("No end date"), False),
        (
            _("Total hours"),
            _("%(planned)s hours of training, %(attended)s hours taken part in")
            % {"planned": hours.get("planned", "0"), "attended": hours.get("attended", "0")},
            False,
        ),
        (
            _("Attendance"),
            _("%(percent)s%% of the sessions (%(counted)s of %(planned)s)")
            % {
                "percent": attendance.get("percent", 0),
                "counted": attendance.get("counted", 0),
                "planned": attendance.get("planned", 0),
            },
            False,
        ),
    ]


def _facts_block(rows):
    """Label and value pairs in two columns; values wrap."""
    label_width = 38 * mm
    value_x = MARGIN + label_width
    value_width = CONTENT_WIDTH - label_width
    placed = [
        (label, _lines_block(value, pdf.FONT_BOLD if bold else pdf.FONT, 10.5,
                             width=value_width, x=value_x, gap_after=3))
        for label, value, bold in rows
    ]  # fmt: skip

    def draw(c, top):
        for label, block in placed:
            c.setFont(pdf.FONT, 9)
            c.setFillColor(pdf.MUTED)
            c.drawString(MARGIN, top - 10, label)
            block.draw(c, top)
            top -= block.space

    return _Block(sum(block.space for _label, block in placed), draw, 4 * mm)


def _signatures_block(signatories):
    """Up to two signature lines with the name and role under each."""
    signatories = signatories[:2]
    if not signatories:
        return None
    gap = CONTENT_WIDTH - 2 * SIGNATURE_WIDTH

    def draw(c, top):
        line_y = top - 11 * mm
        for index, person in enumerate(signatories):
            if len(signatories) == 1:
                x = (PAGE_WIDTH - SIGNATURE_WIDTH) / 2
            else:
                x = MARGIN + index * (SIGNATURE_WIDTH + gap)
            c.setStrokeColor(pdf.INK)
            c.setLineWidth(0.6)
            c.line(x, line_y, x + SIGNATURE_WIDTH, line_y)
            centre = x + SIGNATURE_WIDTH / 2
            name, role = person.get("name", ""), person.get("role", "")
            c.setFont(pdf.FONT_BOLD, _fit(name, pdf.FONT_BOLD, 10, SIGNATURE_WIDTH, 6))
            c.setFillColor(pdf.INK)
            c.drawCentredString(centre, line_y - 12, name)
            c.setFont(pdf.FONT, _fit(role, pdf.FONT, 8.5, SIGNATURE_WIDTH, 5.5))
            c.setFillColor(pdf.MUTED)
            c.drawCentredString(centre, line_y - 23, role)

    return _Block(22 * mm, draw, 4 * mm)


def _draw_border(c):
    c.setStrokeColor(pdf.ACCENT)
    c.setLineWidth(1.6)
    c.rect(9 * mm, 9 * mm, PAGE_WIDTH - 18 * mm, PAGE_HEIGHT - 18 * mm)
    c.setLineWidth(0.5)
    c.rect(11 * mm, 11 * mm, PAGE_WIDTH - 22 * mm, PAGE_HEIGHT - 22 * mm)


def _draw_page_footer(c, code, footer, page):
    y = 14 * mm
    c.setFillColor(pdf.MUTED)
    if footer:
        line = " ".join(footer.split())
        c.setFont(pdf.FONT, _fit(line, pdf.FONT, 8, CONTENT_WIDTH, 5))
        c.drawCentredString(PAGE_WIDTH / 2, y + 10, line)
    c.setFont(pdf.FONT, 8)
    c.drawString(MARGIN, y, _("Certificate %(code)s") % {"code": code})
    c.drawRightString(PAGE_WIDTH - MARGIN, y, _("Page %(number)s") % {"number": page})


class _PageOne(Flowable):
    """Page 1: blocks laid out from the top, the signatures and the verification box at
    the bottom. It fills the first page's only frame, which covers the whole page."""

    def __init__(self, top_blocks, signatures, verification, code, footer):
        super().__init__()
        self.top_blocks = top_blocks
        self.signatures = signatures
        self.verification = verification
        self.code = code
        self.footer = footer

    def wrap(self, available_width, available_height):
        return available_width, available_height

    def draw(self):
        # The frame sits at the page's origin without padding: these are page coordinates.
        c = self.canv
        _draw_border(c)
        y = PAGE_HEIGHT - MARGIN
        for block in self.top_blocks:
            block.draw(c, y)
            y -= block.space
        if self.signatures:
            self.signatures.draw(c, VERIFICATION_TOP + self.signatures.space)
        self.verification.draw(c, VERIFICATION_TOP)
        _draw_page_footer(c, self.code, self.footer, 1)


def _page_one(snapshot, code, url, later):
    """Page 1 as one flowable. The credits table moves to the next page (appended to
    ``later``) when it would run into the signatures."""
    template = snapshot.get("template", {})
    holder = snapshot.get("holder", {}).get("name", "")
    organisation = snapshot.get("organisation", {}).get("name", "")
    title = template.get("title") or _("Certificate")
    top = [
        _logo_block(template.get("logo")),
        _line_block(organisation, pdf.FONT, 11, pdf.MUTED, 2 * mm, smallest=7)
        if organisation
        else None,
        _line_block(title, pdf.FONT_BOLD, 26, pdf.ACCENT, 4 * mm, smallest=14),
        _line_block(_("awarded to"), pdf.FONT, 11, pdf.MUTED, 1 * mm),
        _name_block(holder),
    ]
    if cannot_print(holder):
        note = _(
            "Some letters of this name cannot be printed in this file. The certificate "
            "record holds the name exactly as it was written: check it with the code below."
        )
        top.append(
            _lines_block(note, pdf.FONT, 8.5, colour=pdf.MUTED, centred=True, gap_after=3 * mm)
        )
    statement = template.get("statement") or ""
    if statement:
        top.append(
            _lines_block(
                statement,
                pdf.FONT,
                12.5,
                width=CONTENT_WIDTH - 20 * mm,
                x=MARGIN + 10 * mm,
                centred=True,
                leading=17,
                gap_after=6 * mm,
            )  # fmt: skip
        )
    top.append(_facts_block(_facts(snapshot)))
    top = [block for block in top if block]

    signatures = _signatures_block(template.get("signatories") or [])
    room = PAGE_HEIGHT - MARGIN - VERIFICATION_TOP - (signatures.space if signatures else 0)
    used = sum(block.space for block in top)
    credits = snapshot.get("credits") or []
    if credits:
        note = _credits_note(credits)
        parts = [
            _lines_block(_("Credits"), pdf.FONT_BOLD, 13, colour=pdf.ACCENT, gap_after=2 * mm),
            _TableBlock(_credits_table(credits), gap_after=2 * mm),
        ]
        if note:
            parts.append(_lines_block(note, pdf.FONT, 8.5, colour=pdf.MUTED))
        if used + sum(block.space for block in parts) <= room:
            top.extend(parts)
        else:
            top.append(_lines_block(_("Credits: see page 2."), pdf.FONT_BOLD, 10.5))
            later.extend([_heading(_("Credits")), _credits_table(credits)])
            if note:
                later.append(_TextFlowable(note, size=8.5, colour=pdf.MUTED, space_before=6))
            later.append(Spacer(1, 4 * mm))
    return _PageOne(
        top, signatures, _verification_block(code, url), code, template.get("footer", "")
    )


# --- the next pages -----------------------------------------------------------------------------


def covered_outcomes(snapshot):
    """The programme's learning outcomes, then those of the sessions the person took part
    in, each once, in order."""
    seen = []
    for text in snapshot.get("learning_outcomes") or []:
        if text not in seen:
            seen.append(text)
    for session in snapshot.get("sessions") or []:
        if session.get("how") == "missed":
            continue
        for text in session.get("outcomes") or []:
            if text not in seen:
                seen.append(text)
    return seen


def _hours(minutes):
    return f"{(minutes or 0) / 60:.1f}".rstrip("0").rstrip(".")


def _sessions_table(sessions):
    rows = [[_("No."), _("Session"), _("Date"), _("Hours"), _("Taken part")]]
    for session in sessions:
        how = session.get("how", "")
        rows.append(
            [
                str(session.get("number", "")),
                session.get("title", ""),
                _day(session.get("date")) or "—",
                _hours(session.get("minutes")),
                str(HOW.get(how, how)),
            ]
        )
    return _table(rows, [0.07, 0.45, 0.2, 0.1, 0.18])


def _outcomes_list(outcomes):
    """A bulleted list as a borderless table, so a long list breaks across pages."""
    text_width = CONTENT_WIDTH - 6 * mm
    rows = [["•", _wrapped(text, pdf.FONT, 10, text_width)] for text in outcomes]
    return Table(
        rows,
        colWidths=[6 * mm, text_width],
        style=pdf.table_style(
            ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("LEADING", (0, 0), (-1, -1), 13),
            ("TEXTCOLOR", (0, 0), (-1, -1), pdf.INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ),
    )


def _later_story(snapshot):
    holder = snapshot.get("holder", {}).get("name", "")
    story = [
        _heading(_("What %(name)s took part in") % {"name": holder}),
        _TextFlowable(snapshot.get("programme", {}).get("title", ""), pdf.FONT_BOLD, 10.5),
        Spacer(1, 2 * mm),
    ]
    sessions = snapshot.get("sessions") or []
    if sessions:
        story += [_heading(_("Sessions")), _sessions_table(sessions), Spacer(1, 4 * mm)]
    outcomes = covered_outcomes(snapshot)
    if outcomes:
        story += [_heading(_("Learning outcomes covered")), _outcomes_list(outcomes)]
    return story


# --- the document -------------------------------------------------------------------------------


class _CertificateDocument(BaseDocTemplate):
    def __init__(self, buffer, *, code, footer, **kwargs):
        super().__init__(buffer, **kwargs)
        self.code = code
        self.footer = footer
        whole_page = Frame(0, 0, PAGE_WIDTH, PAGE_HEIGHT, 0, 0, 0, 0, id="whole")
        content = Frame(
            MARGIN, 24 * mm, CONTENT_WIDTH, PAGE_HEIGHT - MARGIN - 24 * mm, 0, 0, 0, 0,
            id="content",
        )  # fmt: skip
        self.addPageTemplates(
            [
                PageTemplate(id="first", frames=[whole_page]),
                PageTemplate(id="later", frames=[content], onPage=self._later_page),
            ]
        )

    def _later_page(self, c, document):
        _draw_border(c)
        _draw_page_footer(c, self.code, self.footer, document.page)


def render_certificate(certificate):
    """The certificate's PDF as bytes, from its snapshot and code alone."""
    pdf.register_fonts()
    snapshot = certificate.snapshot
    template = snapshot.get("template", {})
    language = template.get("language") or certificate.language or "en"
    code = certificate.code
    holder = snapshot.get("holder", {}).get("name", "")
    programme = snapshot.get("programme", {}).get("title", "")
    buffer = io.BytesIO()
    with translation.override(language):
        url = verify_url(code)
        later = []
        page_one = _page_one(snapshot, code, url, later)
        story = [NextPageTemplate("later"), page_one, *later, *_later_story(snapshot)]
        title = template.get("title") or _("Certificate")
        document = _CertificateDocument(
            buffer,
            code=code,
            footer=template.get("footer", ""),
            pagesize=A4,
            invariant=1,
            pageCompression=1,
            title=f"{title}: {holder}",
            subject=_("%(programme)s, certificate %(code)s")
            % {"programme": programme, "code": code},
            author=snapshot.get("issuer", {}).get("organisation", ""),
            creator=_("Peer support training platform"),
            keywords=[code],
            lang=language,
            displayDocTitle=1,
            initialFontName=pdf.FONT,
            initialFontSize=10,
        )
        document.build(story)
    return buffer.getvalue()
