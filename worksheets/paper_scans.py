"""Photos and scans of paper worksheets: what is accepted, and how it is cleaned before it is
kept.

A trainer records a worksheet a trainee filled in on paper and may add a photo or scan of
it. It shows the trainee's handwriting and what they wrote, so it is personal data like the
answers: it is kept in the private storage of recordings and pictures
(``answer_files.answer_storage``, with no public address in any setting) and only served by
a view that asks ``worksheets.access.may_read_scan``.

What a file is comes from its content, never its name: a JPEG or PNG photo, or a PDF.

- a photo is never kept as sent: like a picture answer (``answer_files.check_picture``) it
  is turned the way it was taken, made at most 2000 pixels on its longest side and drawn
  afresh without its metadata, so the place it was taken (EXIF GPS), the phone and the date
  are gone. A PNG stays a PNG: scanners write PNG for sharp, lossless text;
- a PDF (what office scanners write) is rewritten page by page with ``pypdf``: the document
  information (author, title, the scanner's software), the XMP metadata, page-level
  metadata, annotations and actions are left out, and the JPEG images of the pages lose
  their EXIF, XMP, IPTC and comment segments (their pixels are kept as they are). A PDF
  ``pypdf`` cannot read, or one that is encrypted, is refused: it could not be cleaned.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .answer_files import CheckedFile, check_picture

# JPEG segments that carry metadata rather than the picture: APP1 (EXIF, XMP), APP3 to
# APP13 (IPTC and makers' own), APP15 and comments. APP0 (JFIF), APP2 (the colour profile)
# and APP14 (Adobe's colour transform) are needed to show the picture as it was scanned.
_JPEG_METADATA = {0xE1, *range(0xE3, 0xEE), 0xEF, 0xFE}
# Page keys that hold metadata, or something that could run or point elsewhere.
_PAGE_KEYS_LEFT_OUT = ("/Metadata", "/PieceInfo", "/LastModified", "/AA", "/Annots", "/Thumb")


def refused():
    return ValidationError(
        _("This file is not a photo (JPEG or PNG) or a PDF. Nothing was saved."),
        code="not_a_scan",
    )


def check_scan(upload, extension: str) -> CheckedFile:
    """The scan as it will be kept: ``upload`` (already recognised as ``extension``, see
    ``forms.scan_extension``) cleaned of its metadata. ValidationError if it cannot be."""
    if extension == "pdf":
        upload.seek(0)
        data = pdf_without_metadata(upload.read())
        return CheckedFile(
            content=ContentFile(data, name="scan.pdf"),
            content_type="application/pdf",
            size=len(data),
        )
    try:
        return check_picture(upload, keep_png=True)
    except ValidationError as error:
        if error.code == "too_many_pixels":
            raise
        raise refused() from error


def pdf_without_metadata(data: bytes) -> bytes:
    """``data`` (a PDF) written afresh with its pages only; see the module. Without
    ``pypdf`` installed, PDFs are refused rather than kept with their metadata."""
    try:
        from pypdf import PdfReader, PdfWriter
        from pypdf.errors import PdfReadError
    except ImportError as missing:  # pragma: no cover - pypdf is a dependency
        raise refused() from missing

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted or not len(reader.pages):
            raise refused()
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        seen = set()
        for page in writer.pages:
            for key in _PAGE_KEYS_LEFT_OUT:
                if key in page:
                    del page[key]
            _clean_images(page.get("/Resources"), seen)
        writer.metadata = None  # no document information, not even pypdf's own name
        output = io.BytesIO()
        writer.write(output)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        # pypdf raises many kinds of errors on files that are not (whole) PDFs.
        raise refused() from error
    return output.getvalue()


def _clean_images(resources, seen):
    """Leave the metadata out of every image the page draws, including those inside forms
    (``/XObject`` of subtype ``/Form``), each object once."""
    if resources is None:
        return
    resources = resources.get_object()
    xobjects = resources.get("/XObject")
    if xobjects is None:
        return
    for reference in xobjects.get_object().values():
        xobject = reference.get_object()
        if id(xobject) in seen:
            continue
        seen.add(id(xobject))
        if "/Metadata" in xobject:
            del xobject["/Metadata"]
        subtype = xobject.get("/Subtype")
        if subtype == "/Form":
            _clean_images(xobject.get("/Resources"), seen)
        elif subtype == "/Image" and xobject.get("/Filter") == "/DCTDecode":
            from pypdf.generic import NameObject, NumberObject

            # The stream is the JPEG file itself; pypdf offers no public way to replace an
            # encoded stream's bytes, so its own attribute is set (pypdf is pinned).
            cleaned = jpeg_without_metadata(xobject._data)
            xobject._data = cleaned
            xobject[NameObject("/Length")] = NumberObject(len(cleaned))


def jpeg_without_metadata(data: bytes) -> bytes:
    """A JPEG file with its metadata segments left out and every other byte as it was. A
    file whose segments cannot be followed is returned unchanged."""
    if data[:2] != b"\xff\xd8":
        return data
    output = bytearray(data[:2])
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            return data
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte before a marker
            index += 1
            continue
        if marker == 0xDA:  # start of scan: from here on, the picture itself
            output += data[index:]
            return bytes(output)
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if length < 2:
            return data
        end = index + 2 + length
        if marker not in _JPEG_METADATA:
            output += data[index:end]
        index = end
    return data


def cleaned_scan(name: str, data: bytes) -> tuple[str, bytes]:
    """A scan stored before scans were cleaned, as ``(extension, bytes)`` to keep it as now:
    a photo drawn afresh, a PDF rewritten. Files that cannot be cleaned (not readable any
    more) are kept as they are: moving them out of the public folder matters more."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    try:
        checked = check_scan(io.BytesIO(data), extension)
    except ValidationError:
        return extension, data
    return checked.content.name.rsplit(".", 1)[-1], checked.content.read()
