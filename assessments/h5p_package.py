"""Checking and unpacking uploaded ``.h5p`` packages.

An ``.h5p`` file is a zip archive written by someone else, so it is treated as hostile until
checked. pyh5p reads it without extracting (``read_package`` with ``PackageLimits``: unsafe
paths, symbolic links, per-file size, per-file compression ratio, file count, total size,
extensions) and validates ``h5p.json`` (mandatory keys, main library included). This module
adds what pyh5p leaves open, and says every refusal in plain words:

- the upload size limit (``H5P_MAX_UPLOAD_BYTES``) checked before anything is decompressed;
- a compression ratio for the whole package, not only per file;
- file types by place. We follow H5P core's default list of allowed content files, minus
  ``swf`` (Flash, a program). Scripts and styles (``js``, ``css``) are allowed only inside a
  library folder (a top-level folder holding ``library.json``), as H5P core does. Files
  without an extension, and anything else (``php``, ``exe``, ``sh``, ``html``, ``wasm``...)
  are refused;
- the main library must be both packaged and listed in ``preloadedDependencies`` (the player
  looks it up there).

Unpacking is atomic: files go to a temporary folder next to the final one, which is renamed
into place only when everything is written; on any failure nothing is left behind.

Where the files live: the uploaded ``.h5p`` and its unpacked folder are kept under
``PRIVATE_MEDIA_ROOT/h5p/`` (``h5p_root``), never under ``MEDIA_ROOT``, which some set-ups
serve to anyone (Django's own media serving under DEBUG, a web server's ``/media/``). A
package's scripts and pictures served from the platform's own address would run with its
origin (an SVG with a script in it, opened directly); the only way to them is the player's
signed, sandboxed address (``assessments.h5p_sandbox``). ``content_dir`` is the one place that
says where an activity's files are; ``move_public_files`` moves what older versions unpacked
under ``MEDIA_ROOT`` (``manage.py move_h5p_files_to_private``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from pyh5p import PackageError, PackageLimits, SecurityError, read_package
from pyh5p._util import is_safe_relative_path

from lms.private_storage import private_storage

# H5P core's default content whitelist (h5p-php-library, H5PCore::$defaultContentWhitelist),
# without swf, plus webp and ogv that current content types use.
CONTENT_EXTENSIONS = frozenset(
    "json png jpg jpeg gif bmp tif tiff svg webp eot ttf woff woff2 otf webm mp4 ogg ogv mp3 "
    "m4a wav txt pdf rtf doc docx xls xlsx ppt pptx odt ods odp xml csv diff patch md "
    "textile vtt webvtt gltf glb".split()
)
# H5P core's library whitelist adds these, for library folders only.
LIBRARY_ONLY_EXTENSIONS = frozenset({"js", "css"})
ALL_EXTENSIONS = CONTENT_EXTENSIONS | LIBRARY_ONLY_EXTENSIONS

SYMLINK_MODE = 0o120000


class PackageRefused(ValidationError):
    """A package that was not accepted; ``message`` is for the person who uploaded it."""


@dataclass
class Inspection:
    data: bytes
    sha256: str
    size: int
    main_library: str
    title: str
    libraries: list[str] = field(default_factory=list)
    file_count: int = 0
    unpacked_size: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    # The highest score the package can give, where it can be told (``max_score_of``).
    max_score: float | None = None

    def as_json(self):
        return {
            "title": self.title,
            "main_library": self.main_library,
            "libraries": self.libraries,
            "file_count": self.file_count,
            "unpacked_size": self.unpacked_size,
            "max_score": self.max_score,
        }


def limits():
    return {
        "upload": settings.H5P_MAX_UPLOAD_BYTES,
        "unpacked": settings.H5P_MAX_UNPACKED_BYTES,
        "files": settings.H5P_MAX_FILES,
        "ratio": settings.H5P_MAX_COMPRESSION_RATIO,
    }


def _mb(value):
    return f"{value / (1024 * 1024):.1f}"


def _refuse(message, code):
    raise PackageRefused(message, code=code)


def _read_upload(source):
    """The uploaded bytes, reading at most one byte past the limit."""
    limit = settings.H5P_MAX_UPLOAD_BYTES
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    if len(data) > limit:
        _refuse(
            _("The file is too big. The limit is %(limit)s MB.") % {"limit": _mb(limit)},
            "too_big",
        )
    if not data:
        _refuse(_("The file is empty."), "empty")
    return data


def _check_members(archive, upload_size):
    """Our own pass over the zip directory, before pyh5p reads any member, so that each
    refusal gets a precise message."""
    lim = limits()
    infos = archive.infolist()
    if len(infos) > lim["files"]:
        _refuse(
            _("The package holds too many files (%(count)s). The limit is %(limit)s.")
            % {"count": len(infos), "limit": lim["files"]},
            "too_many_files",
        )
    names = {info.filename for info in infos}
    library_folders = {
        name.split("/", 1)[0]
        for name in names
        if name.count("/") == 1 and name.endswith("/library.json")
    }
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith("/") or "\\" in name or ":" in name.split("/", 1)[0]:
            _refuse(
                _(
                    "The package contains a file with an absolute path (%(name)s). "
                    "It was refused for safety."
                )
                % {"name": name},
                "absolute_path",
            )
        if ".." in PurePosixPath(name).parts or not is_safe_relative_path(name.rstrip("/")):
            _refuse(
                _(
                    "The package contains a file path that points outside its folder "
                    "(%(name)s). It was refused for safety."
                )
                % {"name": name},
                "unsafe_path",
            )
        if (info.external_attr >> 16) & 0o170000 == SYMLINK_MODE:
            _refuse(
                _(
                    "The package contains a link to another file (%(name)s). "
                    "Links are not allowed in H5P packages."
                )
                % {"name": name},
                "symlink",
            )
        if info.is_dir():
            continue
        extension = PurePosixPath(name).suffix.lower().lstrip(".")
        top = name.split("/", 1)[0] if "/" in name else ""
        allowed = CONTENT_EXTENSIONS | (
            LIBRARY_ONLY_EXTENSIONS if top in library_folders else frozenset()
        )
        if extension not in allowed:
            _refuse(
                _(
                    "The package contains a type of file that is not allowed: %(name)s. "
                    "H5P packages may hold pictures, sound, video, documents, fonts and "
                    "data files; scripts and styles only inside a content type's folder."
                )
                % {"name": name},
                "file_type",
            )
        if info.file_size / max(info.compress_size, 1) > lim["ratio"]:
            _refuse(
                _(
                    "The file %(name)s inside the package expands to far more than its "
                    "packed size, which is how harmful 'zip bomb' files work. "
                    "The package was refused."
                )
                % {"name": name},
                "zip_bomb",
            )
        total += info.file_size
    if total > lim["unpacked"]:
        _refuse(
            _("Unpacked, the package would take more than %(limit)s MB.")
            % {"limit": _mb(lim["unpacked"])},
            "unpacked_too_big",
        )
    if total / max(upload_size, 1) > lim["ratio"]:
        _refuse(
            _(
                "The package expands to far more than its size, which is how harmful "
                "'zip bomb' files work. It was refused."
            ),
            "zip_bomb",
        )
    if "h5p.json" not in names:
        _refuse(
            _(
                "The package has no h5p.json file, so it is not a complete H5P package. "
                "Export the activity again as an .h5p file."
            ),
            "no_h5p_json",
        )
    return total


def inspect_package(source):
    """Check an uploaded package; return what it holds or raise ``PackageRefused``."""
    data = _read_upload(source)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        _refuse(
            _(
                "This file is not an H5P package: it is not a zip file. Export the activity "
                "again as an .h5p file and upload that."
            ),
            "not_zip",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = _check_members(archive, len(data))
    except zipfile.BadZipFile:
        _refuse(_("This file is damaged: the zip archive cannot be read."), "not_zip")

    lim = limits()
    policy = PackageLimits(
        max_files=lim["files"],
        max_file_size=lim["unpacked"],
        max_total_size=lim["unpacked"],
        max_compression_ratio=float(lim["ratio"]),
        allowed_extensions=ALL_EXTENSIONS,
    )
    try:
        package = read_package(data, limits=policy)
    except SecurityError as exc:
        # Our own checks above come first; this is the second line of defence.
        _refuse(_("The package was refused for safety: %(reason)s.") % {"reason": exc}, "unsafe")
    except PackageError as exc:
        if "h5p.json" in str(exc):
            _refuse(
                _("The package's h5p.json file cannot be read: it is not valid JSON."),
                "bad_h5p_json",
            )
        _refuse(_("The package cannot be read: %(reason)s.") % {"reason": exc}, "unreadable")
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        _refuse(_("This file is damaged: the zip archive cannot be read."), "not_zip")

    main = package.metadata.get("mainLibrary")
    if not isinstance(main, str) or not main:
        _refuse(_("The package's h5p.json does not name its main content type."), "bad_h5p_json")
    issues = package.validate(require_content=True)
    for issue in issues:
        if issue.keyword == "dependency":
            _refuse(_main_missing(main), "main_library_missing")
    if issues:
        details = "; ".join(f"{issue.path} {issue.message}" for issue in issues[:3])
        _refuse(
            _("The package is not a valid H5P package: %(details)s.") % {"details": details},
            "invalid",
        )
    # The player finds the main library through preloadedDependencies.
    preloaded = package.metadata.get("preloadedDependencies") or []
    listed = [d for d in preloaded if d.get("machineName") == main]
    packaged = {lib.id.directory_name for lib in package.libraries}
    if not listed or not any(
        f"{d['machineName']}-{d['majorVersion']}.{d['minorVersion']}" in packaged for d in listed
    ):
        _refuse(_main_missing(main), "main_library_missing")

    return Inspection(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        main_library=f"{main} {listed[0]['majorVersion']}.{listed[0]['minorVersion']}",
        title=str(package.metadata.get("title") or "")[:200],
        libraries=sorted(str(lib.id) for lib in package.libraries),
        file_count=len(package.files),
        unpacked_size=unpacked,
        files=package.files,
        max_score=max_score_of(main, package.content),
    )


def _main_missing(main):
    return _(
        "The package does not include its main content type (%(library)s), so it cannot be "
        "played here. Export it again with its content types included."
    ) % {"library": main}


# --- where the files live ----------------------------------------------------------------------


def h5p_root():
    """The private folder of H5P files: ``packages/`` (the uploaded files) and ``content/``
    (one unpacked folder per activity). Read when used, so changed settings are followed."""
    return Path(settings.PRIVATE_MEDIA_ROOT) / "h5p"


def content_root():
    return h5p_root() / "content"


def folder_dir(folder):
    """The unpacked folder of the activity whose ``folder`` (a UUID) this is."""
    return content_root() / str(folder)


def content_dir(activity):
    return folder_dir(activity.folder)


def package_storage():
    """The uploaded ``.h5p`` files, under ``PRIVATE_MEDIA_ROOT`` (names keep their
    ``h5p/packages/`` prefix): nothing serves a package file as it is."""
    return private_storage("", "")


def public_h5p_root():
    """Where versions before the move kept H5P files: readable by anyone wherever ``/media/``
    is served."""
    return Path(settings.MEDIA_ROOT) / "h5p"


def move_public_files():
    """Move unpacked folders and ``.h5p`` files left under ``MEDIA_ROOT/h5p/`` into the
    private folder; return how many were moved. A folder already in the private place wins
    (it was unpacked later), and the public copy is removed either way. Safe to run again."""
    moved = 0
    public = public_h5p_root()
    for kind in ("content", "packages"):
        source = public / kind
        if not source.is_dir():
            continue
        target = h5p_root() / kind
        target.mkdir(parents=True, exist_ok=True)
        for entry in sorted(source.iterdir()):
            destination = target / entry.name
            if destination.exists():
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                continue
            shutil.move(os.fspath(entry), os.fspath(destination))
            moved += 1
        source.rmdir()
    if public.is_dir() and not any(public.iterdir()):
        public.rmdir()
    return moved


@checks.register(checks.Tags.security)
def check_no_public_h5p_files(app_configs=None, **kwargs):
    """Warn while H5P files are still in the public media folder (before the move)."""
    public = public_h5p_root()
    if not any((public / kind).is_dir() for kind in ("content", "packages")):
        return []
    return [
        checks.Warning(
            f"H5P files are still under {public}, which may be served to anyone.",
            hint="Run `manage.py move_h5p_files_to_private` to move them to PRIVATE_MEDIA_ROOT.",
            id="assessments.W001",
        )
    ]


# --- unpacking -------------------------------------------------------------------------------


def _unpack_to_temp(inspection):
    root = content_root()
    root.mkdir(parents=True, exist_ok=True)
    temp = root / f".incoming-{uuid.uuid4().hex}"
    temp.mkdir()
    try:
        resolved = temp.resolve()
        for name, payload in inspection.files.items():
            target = (resolved / name).resolve()
            if not target.is_relative_to(resolved):  # checked before; never trust one check
                raise PackageRefused(_("The package was refused for safety."), code="unsafe")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(payload)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return temp


def install_package(activity, source=None, *, user=None, title=None, inspection=None):
    """Check ``source`` (bytes or a file) and make it ``activity``'s package.

    New or replaced, the activity and its unpacked folder change together: a refused package
    leaves the database and the disk as they were. A form that already inspected the upload
    passes its ``inspection``."""
    if inspection is None:
        inspection = inspect_package(source)
    temp = _unpack_to_temp(inspection)
    final = content_dir(activity)
    old = final.with_name(f".old-{activity.folder}-{uuid.uuid4().hex}") if final.exists() else None
    # What the database holds now (a form may already have put the upload on the instance).
    old_package = ""
    if activity.pk:
        old_package = (
            type(activity).objects.filter(pk=activity.pk).values_list("package", flat=True).first()
            or ""
        )
    moved = False
    try:
        if old is not None:
            final.rename(old)
        temp.rename(final)
        moved = True
        with transaction.atomic():
            activity.sha256 = inspection.sha256
            activity.size = inspection.size
            activity.main_library = inspection.main_library[:120]
            activity.inspection = inspection.as_json()
            if title:
                activity.title = title
            elif not activity.title:
                activity.title = inspection.title or _("H5P activity")
            if user is not None and getattr(user, "is_authenticated", False):
                activity.uploaded_by = user
            activity.package.save(
                f"{activity.folder}.h5p", ContentFile(inspection.data), save=False
            )
            activity.save()
            new_package = activity.package.name

            def cleanup():
                if old is not None:
                    shutil.rmtree(old, ignore_errors=True)
                if old_package and old_package != new_package:
                    activity.package.storage.delete(old_package)

            transaction.on_commit(cleanup)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        if moved:
            shutil.rmtree(final, ignore_errors=True)
        if old is not None and old.exists():
            old.rename(final)
        stored = activity.package.name if activity.package else ""
        if stored and stored != old_package and getattr(activity.package, "_committed", True):
            activity.package.storage.delete(stored)
        activity.package.name = old_package
        raise
    return activity


def remove_package_files(activity):
    shutil.rmtree(content_dir(activity), ignore_errors=True)


# --- the highest score the package can give ----------------------------------------------------

BLANK = re.compile(r"\*[^*]+\*")


def _count_blanks(content):
    return sum(len(BLANK.findall(str(q))) for q in content.get("questions") or [])


def _count_peercheck(content):
    return sum(
        1
        for q in content.get("questions") or []
        if isinstance(q, dict) and q.get("id") and q.get("choices")
    )


# Content types whose highest score follows plainly from content.json, as their own
# getMaxScore() computes it. Others (MultiChoice with weights, compound types) are left out:
# a wrong guess here would hold back every trainee's honest result.
DECLARED_MAX = {
    "H5P.PeerCheck": _count_peercheck,
    "H5P.TrueFalse": lambda content: 1,
    "H5P.SingleChoiceSet": lambda content: len(content.get("choices") or []),
    "H5P.Blanks": _count_blanks,
}


def max_score_of(main_library, content):
    """The highest score a package whose main library is ``main_library`` (a machine name)
    and whose content.json holds ``content`` can give, or None where it cannot be told
    without playing it."""
    rule = DECLARED_MAX.get(main_library)
    if rule is None:
        return None
    try:
        value = rule(content if isinstance(content, dict) else {})
    except (TypeError, ValueError, AttributeError):
        return None
    return float(value) if value else None


def declared_max_score(activity):
    """The highest score this activity's package can give, or None. Told once, at upload
    (``activity.inspection``), so opening the player reads nothing from disk; packages
    uploaded before that are read from their unpacked content.json."""
    if "max_score" in activity.inspection:
        return activity.inspection["max_score"]
    main = activity.main_library.split(" ", 1)[0]
    if main not in DECLARED_MAX:
        return None
    try:
        content = json.loads(
            (content_dir(activity) / "content" / "content.json").read_text(encoding="utf-8")
        )
    except (OSError, ValueError):
        return None
    return max_score_of(main, content)
