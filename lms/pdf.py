"""Building blocks shared by every PDF the platform prints: guides, worksheets, certificates.

Three things live here so each document does not reinvent them:

* fonts: a real TrueType font is always embedded, because reportlab's built-in Helvetica
  is not embedded and only covers Latin-1, so names such as "Zoë" or "Dvořák" could come
  out wrong or not at all on another computer;
* a stylesheet sized for reading at A4 on paper, in a room, at arm's length;
* ``rich_text_to_flowables``, which turns the rich text editors write in Wagtail into
  reportlab paragraphs and lists.
"""

from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import reportlab
from bs4 import BeautifulSoup, NavigableString, Tag
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import ListFlowable, ListItem, Paragraph, TableStyle
from wagtail.rich_text import expand_db_html

FONT = "LmsSans"
FONT_BOLD = "LmsSans-Bold"
FONT_ITALIC = "LmsSans-Italic"
FONT_BOLD_ITALIC = "LmsSans-BoldItalic"

# DejaVu covers far more of the world's alphabets; Debian ships it as fonts-dejavu-core.
# Bitstream Vera, which DejaVu grew out of, comes inside reportlab, so a machine without
# the Debian package still gets an embedded font that handles accented Latin letters.
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
VERA_DIR = Path(reportlab.__file__).parent / "fonts"
FONT_FILES = [
    (
        DEJAVU_DIR,
        {
            FONT: "DejaVuSans.ttf",
            FONT_BOLD: "DejaVuSans-Bold.ttf",
            FONT_ITALIC: "DejaVuSans-Oblique.ttf",
            FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
        },
    ),
    (
        VERA_DIR,
        {
            FONT: "Vera.ttf",
            FONT_BOLD: "VeraBd.ttf",
            FONT_ITALIC: "VeraIt.ttf",
            FONT_BOLD_ITALIC: "VeraBI.ttf",
        },
    ),
]

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
ACCENT_HEX = "#0b5e7e"
ACCENT = colors.HexColor(ACCENT_HEX)
SHADE = colors.HexColor("#eef3f6")
RULE = colors.HexColor("#c4cdd5")


def font_files(candidates=None):
    """The TTF file for each face, from the first font set whose regular and bold exist.

    Italic faces may be missing from a trimmed font install; they are left out and the
    upright face stands in, since rich text only uses italics for emphasis.
    """
    for directory, files in candidates or FONT_FILES:
        if (directory / files[FONT]).exists() and (directory / files[FONT_BOLD]).exists():
            return {
                name: directory / filename
                for name, filename in files.items()
                if (directory / filename).exists()
            }
    raise FileNotFoundError("No TrueType font found for PDFs: install fonts-dejavu-core.")


@cache
def register_fonts():
    """Register the embedded font family once per process; returns the files used."""
    files = font_files()
    for name, path in files.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # The family lets <b> and <i> inside a Paragraph switch to the matching face.
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=FONT_BOLD,
        italic=FONT_ITALIC if FONT_ITALIC in files else FONT,
        boldItalic=FONT_BOLD_ITALIC if FONT_BOLD_ITALIC in files else FONT_BOLD,
    )
    return files


def stylesheet():
    """Paragraph styles for A4 print: 11pt body text with room between lines.

    A fresh sheet each call, so a document that tweaks a style does not change it for the
    next document built in the same process.
    """
    register_fonts()
    sheet = StyleSheet1()
    body = ParagraphStyle(
        "Body",
        fontName=FONT,
        fontSize=11,
        leading=15,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=6,
        bulletFontName=FONT,
    )
    sheet.add(body)
    sheet.add(
        ParagraphStyle(
            "Title", parent=body, fontName=FONT_BOLD, fontSize=20, leading=25, spaceAfter=4
        )
    )
    sheet.add(ParagraphStyle("Subtitle", parent=body, fontSize=13, leading=17, textColor=MUTED))
    sheet.add(
        ParagraphStyle(
            "Heading1",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=19,
            textColor=ACCENT,
            spaceBefore=14,
            spaceAfter=6,
            keepWithNext=True,
        )
    )
    sheet.add(
        ParagraphStyle(
            "Heading2",
            parent=sheet["Heading1"],
            fontSize=13,
            leading=17,
            spaceBefore=10,
            spaceAfter=4,
        )
    )
    sheet.add(
        ParagraphStyle(
            "Heading3",
            parent=sheet["Heading1"],
            fontSize=11.5,
            leading=15,
            textColor=INK,
            spaceBefore=8,
            spaceAfter=3,
        )
    )
    sheet.add(ParagraphStyle("Heading4", parent=sheet["Heading3"], fontSize=11, spaceBefore=6))
    sheet.add(ParagraphStyle("Meta", parent=body, fontSize=10, leading=13, textColor=MUTED))
    sheet.add(ParagraphStyle("Small", parent=body, fontSize=8.5, leading=11, textColor=MUTED))
    sheet.add(ParagraphStyle("Cell", parent=body, fontSize=10, leading=13, spaceAfter=0))
    sheet.add(ParagraphStyle("CellHead", parent=sheet["Cell"], fontName=FONT_BOLD))
    sheet.add(
        ParagraphStyle(
            "Note",
            parent=body,
            backColor=SHADE,
            borderPadding=(4, 6, 4, 6),
            spaceBefore=4,
            spaceAfter=8,
        )
    )
    return sheet


def text(value):
    """Plain text made safe for Paragraph markup, which reads <, > and & as XML."""
    return escape(str(value))


def bullet_list(items, styles, *, numbered=False):
    """A list of flowables or markup strings as a bulleted or numbered list."""
    body = styles["Body"]
    entries = [
        ListItem(item if not isinstance(item, str) else Paragraph(item, body)) for item in items
    ]
    if numbered:
        kinds = {"bulletType": "1", "bulletFormat": "%s."}
    else:
        kinds = {"bulletType": "bullet", "start": "\u2022"}
    return ListFlowable(
        entries,
        **kinds,
        bulletFontName=FONT,
        bulletFontSize=body.fontSize,
        leftIndent=16,
        spaceAfter=6,
    )


def table_style(*commands):
    """A TableStyle that starts from the embedded font.

    A table sets its cells' font even when every cell holds a Paragraph, and reportlab's
    default is Helvetica, which would put an unembedded font in the file.
    """
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


# --- Wagtail rich text ------------------------------------------------------------------

INLINE_TAGS = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u"}
# The guide's own section titles use Heading1 and Heading2, so a heading inside an editor's
# text sits one step below them.
HEADING_STYLES = {"h1": "Heading3", "h2": "Heading3", "h3": "Heading4", "h4": "Heading4"}
LIST_TAGS = {"ul", "ol"}
BLOCK_TAGS = {"p", "div", "blockquote", *HEADING_STYLES, *LIST_TAGS}


def rich_text_to_flowables(html, styles):
    """Turn Wagtail rich text (as stored, or already expanded) into reportlab flowables.

    Paragraphs and headings become Paragraphs, ul/ol become bulleted or numbered lists
    (nested lists included), bold, italic, links and line breaks stay inside the text.
    Anything else is reduced to its text, so an unexpected tag loses its formatting but
    never its words.
    """
    soup = BeautifulSoup(expand_db_html(html or ""), "html.parser")
    return _blocks(soup.children, styles)


def _blocks(nodes, styles):
    flowables = []
    loose = []  # inline content between block tags, gathered into one paragraph

    def flush():
        markup = "".join(loose).strip()
        if markup:
            flowables.append(Paragraph(markup, styles["Body"]))
        loose.clear()

    for node in nodes:
        if isinstance(node, Tag) and node.name in BLOCK_TAGS:
            flush()
            flowables.extend(_block(node, styles))
        else:
            loose.append(_inline(node))
    flush()
    return flowables


def _block(tag, styles):
    if tag.name in LIST_TAGS:
        items = [_list_item(li, styles) for li in tag.find_all("li", recursive=False)]
        if not items:
            return []
        return [bullet_list(items, styles, numbered=tag.name == "ol")]
    if tag.name in ("div", "blockquote"):
        return _blocks(tag.children, styles)
    markup = _inline(tag).strip()
    if not markup:
        return []
    return [Paragraph(markup, styles[HEADING_STYLES.get(tag.name, "Body")])]


def _list_item(li, styles):
    """A list item's own text, followed by any list nested inside it."""
    flowables = _blocks(li.children, styles)
    if len(flowables) == 1:
        return flowables[0]
    return flowables or Paragraph("", styles["Body"])


def _inline(node):
    if isinstance(node, NavigableString):
        # Comments, doctypes and the like are strings too but carry no visible text.
        return text(node) if type(node) is NavigableString else ""
    if not isinstance(node, Tag):
        return ""
    if node.name == "br":
        return "<br/>"
    inner = "".join(_inline(child) for child in node.children)
    if node.name in INLINE_TAGS:
        tag = INLINE_TAGS[node.name]
        return f"<{tag}>{inner}</{tag}>" if inner.strip() else inner
    if node.name == "a" and node.get("href"):
        href = quoteattr(node["href"])
        return f'<link href={href} color="{ACCENT_HEX}"><u>{inner}</u></link>'
    return inner
