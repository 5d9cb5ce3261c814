"""The package file itself: a zip archive with a manifest, JSON and the files it carries.

::

    manifest.json              what this is: format name and version, who made it and when,
                               and the size and SHA-256 of every other member
    programme.json             the programme page and its session plans
    library.json               the library items they use (worksheets, case scenarios, ...)
    files/<kind>/<key>.<ext>   images, documents and H5P packages, byte for byte

A package comes from another installation, so it is read as hostile until checked, with the
ideas and limits of ``assessments.h5p_package``: the upload size is checked before anything
is decompressed, then the zip directory (member count, unsafe names, links, sizes declared
and real, compression ratios per member and for the whole), then the manifest, whose
checksums must match every member, with no member missing and none unlisted. Every refusal
is a ``PackageError`` whose message is for the person who uploaded the file.

Writing is deterministic (members sorted, fixed timestamps): the same programme exported
twice gives the same members, and only the manifest's ``created_at`` differs.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

FORMAT_NAME = "peer-support-lms/curriculum-package"
# Raise when a package written now could not be read correctly by an importer of today
# (a new member, a changed meaning). New optional fields do not need a new version.
FORMAT_VERSION = 1

MANIFEST = "manifest.json"
PROGRAMME = "programme.json"
LIBRARY = "library.json"
JSON_MEMBERS = (PROGRAMME, LIBRARY)
FILES_PREFIX = "files/"

# 1980-01-01, the earliest date a zip can hold: members carry no export time.
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
SYMLINK_MODE = 0o120000


class PackageError(Exception):
    """A package that cannot be imported; ``str(error)`` says why in plain words."""

    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


def limits():
    """What a package may weigh, from settings (``CURRICULUM_PACKAGE_*``)."""
    return {
        "upload": settings.CURRICULUM_PACKAGE_MAX_UPLOAD_BYTES,
        "unpacked": settings.CURRICULUM_PACKAGE_MAX_UNPACKED_BYTES,
        "files": settings.CURRICULUM_PACKAGE_MAX_FILES,
        "ratio": settings.CURRICULUM_PACKAGE_MAX_COMPRESSION_RATIO,
    }


def _mb(value):
    return f"{value / (1024 * 1024):.1f}"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def dumps(data):
    """JSON as packages hold it: sorted keys, so equal content gives equal bytes."""
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, indent=1
    ).encode("utf-8")


# --- writing ----------------------------------------------------------------------------------


def write_package(*, manifest, members):
    """The zip file's bytes: ``members`` ({name: bytes}) and a manifest that lists them."""
    manifest = dict(manifest)
    manifest["members"] = {
        name: {"sha256": sha256(data), "size": len(data)} for name, data in sorted(members.items())
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(MANIFEST, dumps(manifest)), *sorted(members.items())]:
            info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


# --- reading ----------------------------------------------------------------------------------


@dataclass
class Package:
    """A package whose container has been checked: the manifest is known and every member's
    bytes match their checksum. What the JSON says is checked by ``importing``."""

    manifest: dict
    programme: dict
    library: dict
    files: dict[str, bytes] = field(default_factory=dict)
    size: int = 0

    @property
    def format_version(self):
        return self.manifest.get("format_version")


def read_upload(source):
    """The bytes of an uploaded file (or bytes), reading at most one byte past the limit."""
    limit = limits()["upload"]
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    if len(data) > limit:
        raise PackageError(
            _("The file is too big. A package may be at most %(limit)s MB.")
            % {"limit": _mb(limit)},
            "too_big",
        )
    if not data:
        raise PackageError(_("The file is empty."), "empty")
    return data


def _check_directory(archive, upload_size):
    lim = limits()
    infos = archive.infolist()
    if len(infos) > lim["files"]:
        raise PackageError(
            _("The package holds too many files (%(count)s). The limit is %(limit)s.")
            % {"count": len(infos), "limit": lim["files"]},
            "too_many_files",
        )
    seen, total = set(), 0
    for info in infos:
        name = info.filename
        path = PurePosixPath(name)
        unsafe = (
            name.startswith("/")
            or "\\" in name
            or ":" in name
            or ".." in path.parts
            or "" in name.rstrip("/").split("/")
            or "\x00" in name
        )
        if unsafe:
            raise PackageError(
                _(
                    "The package contains a file name that points outside the package "
                    "(%(name)s). It was refused for safety."
                )
                % {"name": name},
                "unsafe_path",
            )
        if (info.external_attr >> 16) & 0o170000 == SYMLINK_MODE:
            raise PackageError(
                _("The package contains a link to another file (%(name)s). It was refused.")
                % {"name": name},
                "symlink",
            )
        if name in seen:
            raise PackageError(
                _("The package holds two files called %(name)s. It is damaged.") % {"name": name},
                "duplicate",
            )
        seen.add(name)
        if info.is_dir():
            continue
        if info.file_size / max(info.compress_size, 1) > lim["ratio"]:
            raise PackageError(
                _(
                    "The file %(name)s inside the package expands to far more than its packed "
                    "size, which is how harmful 'zip bomb' files work. The package was refused."
                )
                % {"name": name},
                "zip_bomb",
            )
        total += info.file_size
    if total > lim["unpacked"]:
        raise PackageError(
            _("Unpacked, the package would take more than %(limit)s MB.")
            % {"limit": _mb(lim["unpacked"])},
            "unpacked_too_big",
        )
    if total / max(upload_size, 1) > lim["ratio"]:
        raise PackageError(
            _(
                "The package expands to far more than its size, which is how harmful 'zip "
                "bomb' files work. It was refused."
            ),
            "zip_bomb",
        )


def _read_member(archive, name):
    """A member's bytes, never more than its declared size (a lying header is damage)."""
    info = archive.getinfo(name)
    with archive.open(info) as handle:
        data = handle.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise PackageError(
            _("The file %(name)s inside the package is damaged.") % {"name": name}, "damaged"
        )
    return data


def _load_json(data, name):
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PackageError(
            _(
                "The package's %(name)s cannot be read: it is not valid JSON. "
                "The package is damaged."
            )
            % {"name": name},
            "bad_json",
        ) from None
    if not isinstance(value, dict):
        raise PackageError(
            _("The package's %(name)s is not in the expected form. The package is damaged.")
            % {"name": name},
            "bad_json",
        )
    return value


def check_manifest(manifest):
    """Refuse what this site cannot read, before looking at anything else."""
    if manifest.get("format") != FORMAT_NAME:
        raise PackageError(
            _(
                "This zip file is not a curriculum package from this platform (its manifest "
                "names no package format we know)."
            ),
            "not_a_package",
        )
    version = manifest.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise PackageError(
            _("The package's manifest has no valid format version. The package is damaged."),
            "bad_manifest",
        )
    if version > FORMAT_VERSION:
        raise PackageError(
            _(
                "This package was made by a newer version of the platform (package format "
                "%(version)s). This site reads packages up to format %(ours)s. Nothing was "
                "imported. Update this site, or ask the sender to export it again from a "
                "version that writes format %(ours)s."
            )
            % {"version": version, "ours": FORMAT_VERSION},
            "newer_format",
        )
    members = manifest.get("members")
    if not isinstance(members, dict) or not all(
        isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
        for entry in members.values()
    ):
        raise PackageError(
            _("The package's manifest does not list its files. The package is damaged."),
            "bad_manifest",
        )


def read_package(source):
    """Check a package's container and return it as a ``Package``; raise ``PackageError``."""
    data = read_upload(source)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise PackageError(
            _(
                "This file is not a curriculum package: it is not a zip file. Export the "
                "programme again and upload the .zip file you get."
            ),
            "not_zip",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_directory(archive, len(data))
            names = {info.filename for info in archive.infolist() if not info.is_dir()}
            if MANIFEST not in names:
                raise PackageError(
                    _(
                        "This zip file has no manifest.json, so it is not a curriculum "
                        "package (or it is damaged)."
                    ),
                    "no_manifest",
                )
            manifest = _load_json(_read_member(archive, MANIFEST), MANIFEST)
            check_manifest(manifest)
            listed = manifest["members"]
            missing = sorted(name for name in listed if name not in names)
            missing += [name for name in JSON_MEMBERS if name not in listed and name not in missing]
            if missing:
                raise PackageError(
                    _("The package is incomplete: %(names)s missing. Nothing was imported.")
                    % {"names": ", ".join(missing)},
                    "missing_member",
                )
            unlisted = sorted(names - set(listed) - {MANIFEST})
            if unlisted:
                raise PackageError(
                    _(
                        "The package holds files its manifest does not list (%(names)s). It "
                        "may have been changed by hand. Nothing was imported."
                    )
                    % {"names": ", ".join(unlisted[:5])},
                    "unlisted_member",
                )
            contents = {}
            for name, entry in sorted(listed.items()):
                payload = _read_member(archive, name)
                if sha256(payload) != entry["sha256"] or len(payload) != entry.get(
                    "size", len(payload)
                ):
                    raise PackageError(
                        _(
                            "The file %(name)s inside the package does not match its "
                            "checksum: the package is damaged or was changed after export. "
                            "Nothing was imported."
                        )
                        % {"name": name},
                        "checksum",
                    )
                contents[name] = payload
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
    ):
        raise PackageError(
            _("This file is damaged: the zip archive cannot be read."), "not_zip"
        ) from None
    bad_names = [
        name for name in contents if name not in JSON_MEMBERS and not name.startswith(FILES_PREFIX)
    ]
    if bad_names:
        raise PackageError(
            _("The package holds a file this format does not have: %(name)s.")
            % {"name": bad_names[0]},
            "unlisted_member",
        )
    return Package(
        manifest=manifest,
        programme=_load_json(contents.pop(PROGRAMME), PROGRAMME),
        library=_load_json(contents.pop(LIBRARY), LIBRARY),
        files=contents,
        size=len(data),
    )
