"""Where a trainee spreadsheet waits between its preview and "Confirm import".

The file holds people's names, email addresses, phone numbers and notes, so it is kept as
briefly and as privately as the two steps allow:

- only a preview that can be confirmed keeps it: a file with any refused row is never kept
  (the trainer fixes it and uploads it again);
- it lives in private storage (``PRIVATE_MEDIA_ROOT/trainee-imports``, or the site's
  ``trainee_imports`` entry of ``STORAGES``, such as a private bucket), never in the system's
  temporary folder and never under a public address;
- it is removed when the import is confirmed, when the trainer cancels or goes back to the
  import page, when the preview page is left (the page tells the server as it goes), and in
  any case after ``MAX_AGE_SECONDS``, whoever asks next sweeps it away.

The session remembers only the stored name and the file's SHA-256; confirming checks that the
bytes are still exactly the ones previewed.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid

from django.core.files.base import ContentFile

from lms.private_storage import private_storage

# Long enough to read the preview and press "Confirm import"; the page usually removes the
# file much sooner, as soon as it is left.
MAX_AGE_SECONDS = 15 * 60


def upload_storage():
    return private_storage("trainee_imports", "trainee-imports")


def _session_key(cohort):
    return f"training.import.{cohort.pk}"


def _is_our_name(name):
    return isinstance(name, str) and len(name) == 32 and all(c in "0123456789abcdef" for c in name)


def sweep_old():
    """Remove every kept upload older than ``MAX_AGE_SECONDS``, whoever left it."""
    storage = upload_storage()
    try:
        _folders, names = storage.listdir("")
    except (FileNotFoundError, NotADirectoryError):
        return
    limit = time.time() - MAX_AGE_SECONDS
    for name in names:
        try:
            if storage.get_modified_time(name).timestamp() < limit:
                storage.delete(name)
        except (OSError, NotImplementedError):
            pass


def keep(request, cohort, data, filename):
    """Keep ``data`` for this person and cohort; returns the token the confirm form posts."""
    forget(request, cohort)
    sweep_old()
    name = uuid.uuid4().hex
    upload_storage().save(name, ContentFile(data))
    digest = hashlib.sha256(data).hexdigest()
    request.session[_session_key(cohort)] = {
        "file": name,
        "sha256": digest,
        "filename": filename,
        "user": request.user.pk,
        "at": time.time(),
    }
    return digest


def forget(request, cohort):
    """Remove this person's kept upload for ``cohort``, if any."""
    entry = request.session.pop(_session_key(cohort), None) or {}
    name = entry.get("file")
    if _is_our_name(name):
        try:
            upload_storage().delete(name)
        except OSError:
            pass


def read(request, cohort, token):
    """The previewed file's bytes and name, or None when it is missing, too old, someone
    else's, or not exactly the file that was previewed."""
    entry = request.session.get(_session_key(cohort))
    if not entry or entry.get("user") != request.user.pk:
        return None
    if time.time() - float(entry.get("at") or 0) > MAX_AGE_SECONDS:
        return None
    if not token or not hmac.compare_digest(str(token), str(entry.get("sha256"))):
        return None
    name = entry.get("file")
    if not _is_our_name(name):
        return None
    try:
        with upload_storage().open(name, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), entry["sha256"]):
        return None
    return data, entry.get("filename") or "upload.csv"
