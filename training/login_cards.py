"""Printed login cards for trainees, many of whom have no email address.

Business-card size (85 × 55 mm), ten to an A4 sheet with cut marks in the margins, so a
trainer can print them on an ordinary printer and cut them with scissors. Each card has the
trainee's name, the site address, their username, their code, a QR code that opens the login
page with the username filled in, and a few words on what to do.

The code appears only here, in clear. It is not a password: it signs the trainee in once,
until the date on the card, to choose their own password or PIN (``training/sign_in.py``).
The log of cards keeps only its hash (``SignInCode``).
"""

import io
from urllib.parse import urlencode

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from lms import pdf

from .people import person_name

CARD_WIDTH = 85 * mm
CARD_HEIGHT = 55 * mm
COLUMNS = 2
ROWS = 5
PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = (PAGE_WIDTH - COLUMNS * CARD_WIDTH) / 2
BOTTOM = (PAGE_HEIGHT - ROWS * CARD_HEIGHT) / 2
PADDING = 4 * mm
QR_SIZE = 22 * mm
MARK_GAP = 1.5 * mm
MARK_LENGTH = 5 * mm


def login_link(login_url, username):
    return f"{login_url}?{urlencode({'username': username})}"


def _fit(text, font, size, width, smallest=5.5):
    """The largest font size up to ``size`` at which ``text`` fits in ``width``."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.25
    return size


def _draw_qr(c, data, x, y, size):
    widget = QrCodeWidget(data, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(
        size,
        size,
        transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0],
        # Otherwise the renderer selects Helvetica, which would be listed but not embedded.
        initialFontName=pdf.FONT,
    )
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def _draw_card(c, x, y, *, name, username, code, login_url, how_to):
    inner_left = x + PADDING
    top = y + CARD_HEIGHT - PADDING
    text_width = CARD_WIDTH - 2 * PADDING - QR_SIZE - 2 * mm

    c.setFillColor(pdf.INK)
    size = _fit(name, pdf.FONT_BOLD, 12, CARD_WIDTH - 2 * PADDING)
    c.setFont(pdf.FONT_BOLD, size)
    c.drawString(inner_left, top - size, name)

    c.setFillColor(pdf.MUTED)
    c.setFont(pdf.FONT, 7)
    c.drawString(inner_left, top - 23, _("Website"))
    c.setFillColor(pdf.INK)
    size = _fit(login_url, pdf.FONT, 8.5, text_width)
    c.setFont(pdf.FONT, size)
    c.drawString(inner_left, top - 32, login_url)

    c.setFillColor(pdf.MUTED)
    c.setFont(pdf.FONT, 7)
    c.drawString(inner_left, top - 44, _("Username"))
    c.setFillColor(pdf.INK)
    size = _fit(username, pdf.FONT_BOLD, 12, text_width)
    c.setFont(pdf.FONT_BOLD, size)
    c.drawString(inner_left, top - 57, username)

    c.setFillColor(pdf.MUTED)
    c.setFont(pdf.FONT, 7)
    c.drawString(inner_left, top - 70, _("Code (works once)"))
    c.setFillColor(pdf.INK)
    c.setFont(pdf.FONT_BOLD, 15)
    c.drawString(inner_left, top - 86, code)

    _draw_qr(
        c,
        login_link(login_url, username),
        x + CARD_WIDTH - PADDING - QR_SIZE,
        top - 18 - QR_SIZE,
        QR_SIZE,
    )

    style = ParagraphStyle(
        "CardHowTo", fontName=pdf.FONT, fontSize=7, leading=8.5, textColor=pdf.INK
    )
    paragraph = Paragraph(pdf.text(how_to), style)
    _w, height = paragraph.wrap(CARD_WIDTH - 2 * PADDING, 30 * mm)
    paragraph.drawOn(c, inner_left, y + PADDING)


def _draw_cut_marks(c):
    """Short lines in the margins, in line with every card edge, to cut along."""
    c.setStrokeColor(pdf.MUTED)
    c.setLineWidth(0.4)
    right = LEFT + COLUMNS * CARD_WIDTH
    top = BOTTOM + ROWS * CARD_HEIGHT
    for col in range(COLUMNS + 1):
        x = LEFT + col * CARD_WIDTH
        c.line(x, top + MARK_GAP, x, top + MARK_GAP + MARK_LENGTH)
        c.line(x, BOTTOM - MARK_GAP, x, BOTTOM - MARK_GAP - MARK_LENGTH)
    for row in range(ROWS + 1):
        y = BOTTOM + row * CARD_HEIGHT
        c.line(LEFT - MARK_GAP, y, LEFT - MARK_GAP - MARK_LENGTH, y)
        c.line(right + MARK_GAP, y, right + MARK_GAP + MARK_LENGTH, y)
    # A faint outline helps when the marks are cut off by the printer's own margin.
    c.setStrokeColor(pdf.RULE)
    c.setLineWidth(0.25)
    c.setDash(1, 3)
    for col in range(COLUMNS + 1):
        x = LEFT + col * CARD_WIDTH
        c.line(x, BOTTOM, x, top)
    for row in range(ROWS + 1):
        y = BOTTOM + row * CARD_HEIGHT
        c.line(LEFT, y, right, y)
    c.setDash()


def _how_to(card):
    until = formats.date_format(timezone.localtime(card.sign_in.expires_at), "j F Y")
    if card.sign_in.kind == card.sign_in.Kind.REPLACEMENT:
        return _(
            "Open the website or scan the square. Type your username, then the code in the "
            "“Password” box, and press “Log in”. The code works once, until %(date)s. Then "
            "choose a new password or PIN: your old one stops working."
        ) % {"date": until}
    return _(
        "Open the website or scan the square with your phone. Type your username, then the "
        "code in the “Password” box, and press “Log in”. The code works once, until "
        "%(date)s. Then choose your own password or PIN."
    ) % {"date": until}


def login_cards_pdf(cards, *, login_url, cohort):
    """The PDF bytes for ``cards``: ``PrintedCard`` objects as issued
    (``training.people.login_cards_issue`` or ``login_card_replace``)."""
    pdf.register_fonts()
    buffer = io.BytesIO()
    # The embedded font from the start, so no page refers to reportlab's unembedded Helvetica.
    c = canvas.Canvas(
        buffer, pagesize=A4, pageCompression=1, initialFontName=pdf.FONT, initialFontSize=10
    )
    c.setTitle(_("Login cards: %(cohort)s") % {"cohort": cohort.name})
    printed = formats.date_format(timezone.localtime(), "DATE_FORMAT")
    per_page = COLUMNS * ROWS
    for start in range(0, len(cards), per_page):
        if start:
            c.showPage()
        # Between the first two cut marks, so the line never runs over one.
        header = _("%(cohort)s · printed on %(date)s · cut along the marks") % {
            "cohort": cohort.name,
            "date": printed,
        }
        c.setFont(pdf.FONT, _fit(header, pdf.FONT, 7, CARD_WIDTH - 6 * mm, smallest=4))
        c.setFillColor(pdf.MUTED)
        c.drawString(LEFT + 3 * mm, PAGE_HEIGHT - 7 * mm, header)
        _draw_cut_marks(c)
        for index, card in enumerate(cards[start : start + per_page]):
            row, col = divmod(index, COLUMNS)
            _draw_card(
                c,
                LEFT + col * CARD_WIDTH,
                BOTTOM + (ROWS - 1 - row) * CARD_HEIGHT,
                name=person_name(card.user),
                username=card.user.username,
                code=card.code,
                login_url=login_url,
                how_to=_how_to(card),
            )
    c.save()
    return buffer.getvalue()
