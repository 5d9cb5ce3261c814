"""Recordings and pictures that trainees give as answers: where they are kept, and the checks
every upload passes before it is kept.

They are personal data, often about health and lived experience, so they never go to the
public media folder: they are stored under ``PRIVATE_MEDIA_ROOT`` (or in the
``worksheet_answers`` storage of ``STORAGES`` when a site configures one, such as a private
S3 bucket) and only a view that applies ``worksheets.access`` ever serves them.

What a file is comes from its content, never from its name or the type the browser claims:

- a recording must be a WebM, Ogg or MP4 (M4A) file, the containers browsers record in
  (Chrome and Firefox: WebM or Ogg with Opus; Safari: MP4 with AAC). It is kept as sent,
  since re-encoding sound would need a codec library on the server; it is only ever served
  back with the sound type it was recognised as, ``nosniff`` and a sandboxing policy;
- a picture must be one Pillow can read and verify (JPEG, PNG, WebP, GIF, and HEIC from
  iPhones when ``pillow-heif`` is installed). It is never kept as sent: it is turned the way
  it was taken (the EXIF orientation), made at most 2000 pixels on its longest side and
  saved afresh as JPEG (PNG when it has transparency) without any of its metadata, so the
  place a photo was taken (EXIF GPS), the phone's make and the date are gone.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from lms.private_storage import private_storage

from .blocks import AUDIO, PICTURE

DEFAULT_AUDIO_MAX_BYTES = 20 * 1024 * 1024  # about an hour of Opus, ten minutes of AAC
DEFAULT_PICTURE_MAX_BYTES = 15 * 1024 * 1024  # a phone's photo at full size
PICTURE_MAX_SIDE = 2000  # sharp enough to read a drawing or a handwritten page
# Refused before decoding: a small file can claim a huge size and fill the memory.
PICTURE_MAX_PIXELS = 50_000_000

# What content sniffing finds, to the extension and type the file is kept and served with.
AUDIO_CONTAINERS = {
    "video/webm": ("webm", "audio/webm"),
    "audio/webm": ("webm", "audio/webm"),
    "audio/ogg": ("ogg", "audio/ogg"),
    "video/mp4": ("m4a", "audio/mp4"),
    "audio/mp4": ("m4a", "audio/mp4"),
}
PICTURE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "HEIF"}
CONTENT_TYPES = {
    "webm": "audio/webm",
    "ogg": "audio/ogg",
    "m4a": "audio/mp4",
    "jpg": "image/jpeg",
    "png": "image/png",
}


# --- storage -------------------------------------------------------------------------------


def answer_storage():
    """Where recordings, pictures and photos or scans of paper copies are kept: the
    ``worksheet_answers`` entry of ``STORAGES`` if the site has one, else the private folder
    on this machine. Files are served by ``worksheets.views.answer_files.serve`` and the scan
    views only."""
    return private_storage("worksheet_answers", "worksheet-answers")


def answer_file_path(instance, filename):
    # A random name that says nothing about the trainee; the extension is the one the checks
    # below gave the file, never the uploaded name's.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{uuid.uuid4().hex}.{extension}"


# --- checks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, ready to store."""

    content: File
    content_type: str
    size: int


def audio_max_bytes():
    return getattr(settings, "WORKSHEET_AUDIO_MAX_BYTES", DEFAULT_AUDIO_MAX_BYTES)


def picture_max_bytes():
    return getattr(settings, "WORKSHEET_PICTURE_MAX_BYTES", DEFAULT_PICTURE_MAX_BYTES)


def max_bytes(kind):
    return audio_max_bytes() if kind == AUDIO else picture_max_bytes()


def check_upload(kind, upload):
    """The upload as it will be stored, or ValidationError with words a trainee can act on."""
    if upload is None or not upload.size:
        if kind == AUDIO:
            raise ValidationError(_("The recording is empty. Please record again."), code="empty")
        raise ValidationError(_("No picture was sent. Please choose one again."), code="empty")
    limit = max_bytes(kind)
    if upload.size > limit:
        size = {"size": filesizeformat(upload.size), "max": filesizeformat(limit)}
        if kind == AUDIO:
            message = _(
                "This recording is too big (%(size)s). The limit is %(max)s: record a shorter "
                "answer, or say it in two parts. Nothing was changed."
            )
        else:
            message = _(
                "This picture is too big (%(size)s). The limit is %(max)s. Nothing was changed."
            )
        raise ValidationError(message % size, code="too_big")
    if kind == AUDIO:
        return check_audio(upload)
    if kind == PICTURE:
        return check_picture(upload)
    raise ValidationError(_("This answer cannot take a file."), code="kind")


def check_audio(upload):
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    found = filetype.guess(head)
    container = AUDIO_CONTAINERS.get(found.mime) if found else None
    if container is None:
        raise ValidationError(
            _(
                "This file is not a sound recording we can play (WebM, Ogg or MP4). "
                "Nothing was changed."
            ),
            code="not_audio",
        )
    extension, content_type = container
    return CheckedFile(
        content=File(upload, name=f"recording.{extension}"),
        content_type=content_type,
        size=upload.size,
    )


def _open_heif():
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - HEIC pictures are then refused as unreadable
        return
    register_heif_opener()


def check_picture(upload, *, keep_png=False):
    """Verify the picture, then draw it afresh without its metadata (see the module).
    ``keep_png``: a PNG stays a PNG (scans of handwriting stay sharp), where a picture
    answer becomes a JPEG unless it has transparency."""
    _open_heif()
    refused = ValidationError(
        _(
            "This file is not a picture we can read (a photo in JPEG, PNG, WebP, GIF or HEIC). "
            "Nothing was changed."
        ),
        code="not_a_picture",
    )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            picture_format = probe.format
            width, height = probe.size
            probe.verify()
        if picture_format not in PICTURE_FORMATS:
            raise refused
        if width * height > PICTURE_MAX_PIXELS:
            raise ValidationError(
                _("This picture has too many pixels. Please send a smaller one."),
                code="too_many_pixels",
            )
        upload.seek(0)
        with Image.open(upload) as image:
            image.seek(0)  # the first frame of an animation
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail((PICTURE_MAX_SIDE, PICTURE_MAX_SIDE))
            icc_profile = image.info.get("icc_profile")
            output = io.BytesIO()
            transparent = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
            if transparent or (keep_png and picture_format == "PNG"):
                extension = "png"
                mode = "RGBA" if transparent else ("L" if picture.mode in ("1", "L") else "RGB")
                picture.convert(mode).save(output, "PNG", optimize=True)
            else:
                extension = "jpg"
                # Only the colour profile is carried over, so colours stay true; no EXIF,
                # XMP or comments are written.
                options = {"icc_profile": icc_profile} if icc_profile else {}
                picture.convert("RGB").save(output, "JPEG", quality=85, optimize=True, **options)
    except ValidationError:
        raise
    except (
        Image.DecompressionBombError,
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ) as error:
        # Pillow raises many kinds of errors on files that are not (whole) pictures.
        raise refused from error
    finally:
        upload.seek(0)
    data = output.getvalue()
    return CheckedFile(
        content=ContentFile(data, name=f"picture.{extension}"),
        content_type=CONTENT_TYPES[extension],
        size=len(data),
    )
