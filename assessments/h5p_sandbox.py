"""Where H5P package code runs: a frame with no origin of its own, reached by signed links.

An uploaded package is code someone else wrote. Run in the platform's page (or in a frame of
the same origin), a library could read the page's CSRF token, the browser's storage (unsent
answers) and fetch a trainee's private worksheet with their login. So the player never runs
there:

- the play page embeds ``<iframe sandbox="allow-scripts allow-forms">``: the frame's document
  gets an opaque origin, so it cannot reach the page, its cookies or its storage, and its
  requests are cross-site (the login cookie, ``SameSite=Lax``, is not sent with them);
- the frame's document and the package files are served from a **signed, short-lived
  prefix** (``/h5p/frame/<token>/``) that works without the login cookie: the token says who
  opened which activity in which attempt, and expires (``FRAME_LIFETIME``);
- the frame document carries its own Content-Security-Policy (``frame_policy``): ``sandbox``
  again (so the link opened directly is just as closed), scripts only from the player's
  static folder and the package prefix, network only to the package prefix, no forms sent
  anywhere, and only the platform may frame it;
- with ``H5P_CONTENT_ORIGIN`` set (a second host name for the same site, which never gets the
  login cookie), frame and files are served from there instead.

The frame tells the page about answers with ``postMessage`` only; the page checks the sender
and sends them with its own CSRF token (``static/assessments/h5p_player.js``).

Why ``allow-forms``: the project's own content type (H5P.PeerCheck) and other H5P content
check answers in a ``<form>`` whose submit event the script handles; without it chromium
blocks the submission before the event fires. The policy's ``form-action 'none'`` keeps any
form from being sent anywhere. Why ``'unsafe-eval'`` in the frame's script-src: real content
types need it (EmbeddedJS, a dependency of H5P.MultiChoice, compiles templates with
``eval``); it is allowed inside the sandbox only, never on the platform's pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "assessments.h5p.frame"
# The frame's document: opened once when the page loads.
FRAME_LIFETIME = timedelta(hours=2)
# Package files: a trainee may keep the page open through a whole session (two and a half
# hours) and content may load a video late. They are the package's files, not personal data.
FILES_LIFETIME = timedelta(hours=8)
# The separator must be a character the signed value and the URL path both allow.
SEPARATOR = "."


@dataclass(frozen=True)
class FrameLink:
    """What a signed frame link says: who opened which activity, in which attempt (none for a
    staff preview), from which page origin."""

    activity_id: int
    folder: str
    user_id: int
    enrolment_id: int | None
    registration: str | None
    parent_origin: str


def _signer():
    return signing.TimestampSigner(salt=SALT, sep=SEPARATOR)


def make_token(link: FrameLink) -> str:
    return _signer().sign_object(
        {
            "a": link.activity_id,
            "f": link.folder,
            "u": link.user_id,
            "e": link.enrolment_id,
            "r": link.registration,
            "p": link.parent_origin,
        }
    )


def read_token(token: str, *, max_age: timedelta) -> FrameLink | None:
    """The link a token stands for, or None when it was not made here or has expired."""
    try:
        data = _signer().unsign_object(token, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    try:
        return FrameLink(
            activity_id=int(data["a"]),
            folder=str(data["f"]),
            user_id=int(data["u"]),
            enrolment_id=None if data["e"] is None else int(data["e"]),
            registration=None if data["r"] is None else str(data["r"]),
            parent_origin=str(data["p"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def request_origin(request) -> str:
    """``scheme://host[:port]`` the browser used to reach this request."""
    return f"{request.scheme}://{request.get_host()}"


def configured_content_origin() -> str:
    """``H5P_CONTENT_ORIGIN`` as an origin (no path), or '' when frames use the same host."""
    configured = settings.H5P_CONTENT_ORIGIN.strip()
    if not configured:
        return ""
    parts = urlsplit(configured)
    return f"{parts.scheme}://{parts.netloc}"


def content_origin(request) -> str:
    """The origin frames and package files are served from: ``H5P_CONTENT_ORIGIN`` when set,
    else the platform's own (the sandbox still gives the frame an opaque origin)."""
    return configured_content_origin() or request_origin(request)


def frame_url(request, link: FrameLink) -> str:
    token = make_token(link)
    return content_origin(request) + reverse("assessments:h5p_frame", args=[token])


def files_prefix(request, token: str) -> str:
    """The absolute prefix of a frame's package files, ending with ``/``."""
    return request_origin(request) + reverse("assessments:h5p_frame_file", args=[token, "x"])[:-1]


def static_prefix(request) -> str:
    """The player's own static folder (h5p-standalone, the relay script), absolute."""
    base = settings.STATIC_URL
    if not base.startswith(("http://", "https://")):
        base = request_origin(request) + "/" + base.lstrip("/")
    return base.rstrip("/") + "/assessments/"


def frame_policy(request, files: str, parent_origin: str) -> str:
    """The frame document's Content-Security-Policy; ``files`` is its ``files_prefix``."""
    static = static_prefix(request)
    directives = {
        "default-src": ["'none'"],
        "script-src": [static, files, "'unsafe-eval'"],
        "style-src": [static, files, "'unsafe-inline'"],
        "img-src": [static, files, "data:", "blob:"],
        "media-src": [files, "data:", "blob:"],
        "font-src": [static, files, "data:"],
        "connect-src": [files],
        "form-action": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        "frame-ancestors": [parent_origin],
        "sandbox": ["allow-scripts", "allow-forms"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())
