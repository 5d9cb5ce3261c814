"""Headers that keep personal data in the page and out of everything around it.

Three rules, each decided here and applied to every response by ``PrivatePagesMiddleware``:

- **No copy is kept.** A page or file served to a logged-in person may hold their private
  answers, someone's evaluation answers or a register: it gets ``Cache-Control: no-store``,
  so neither a shared computer's browser cache, its back button after logout, nor a proxy
  keeps a copy. Static files (served by whitenoise before this middleware) and anonymous
  pages are not touched; a view may set its own ``Cache-Control`` (public verification pages,
  say), which is left alone.
- **No device is on by default.** ``Permissions-Policy`` turns off the microphone, the camera,
  location and the rest for every page. The few pages where a trainee records an answer ask
  for what they need with ``@allow_features(microphone=True)``; nothing else can, whatever
  script ends up in it.
- **Only the platform's own scripts run.** The Content-Security-Policy itself is django-csp's
  (``CONTENT_SECURITY_POLICY`` in the settings); ``ADMIN_CSP`` below is the one relaxation,
  for the Wagtail admin, whose widgets still carry a few inline scripts and styles. Admin pages
  are for staff and show curriculum content, not trainees' answers.
"""

from __future__ import annotations

from functools import wraps

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

# Every powerful feature a page could ask the browser for, off unless a view allows it.
FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)


def permissions_policy(allowed=()):
    """The ``Permissions-Policy`` value with every feature off but ``allowed`` (for this
    page's own origin only, never for frames inside it)."""
    return ", ".join(
        f"{feature}=(self)" if feature in allowed else f"{feature}=()" for feature in FEATURES
    )


def allow_features(**features):
    """Let one view's pages use a device, e.g. ``@allow_features(microphone=True)`` where a
    trainee records a spoken answer. The names are those of ``FEATURES`` with ``_`` for ``-``."""
    wanted = {name.replace("_", "-") for name, on in features.items() if on}
    unknown = wanted - set(FEATURES)
    if unknown:
        raise ValueError(f"Unknown browser features: {', '.join(sorted(unknown))}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.allowed_features = frozenset(wanted)
            return response

        return wrapped

    return decorator


class PrivatePagesMiddleware:
    """``no-store`` for logged-in people's pages, and the ``Permissions-Policy`` of every
    page. Sits after the authentication middleware, so it knows who asked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy(
                getattr(response, "allowed_features", ())
            )
        return response


# The Wagtail admin's policy: its own scripts and styles, plus the inline scripts a few of its
# widgets still write (Wagtail 8's date and time choosers, inline panels: seen on the page
# explorer's filters and in the page editor) and the style elements its editors inject.
# Everything else (frames, objects, forms, connections, framing) stays as strict as on the
# platform's own pages.
ADMIN_PREFIX = "/admin/"
ADMIN_CSP = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's relaxation (``ADMIN_CSP``) applied by path."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIX):
            update = dict(parts.update or {})
            for directive, sources in ADMIN_CSP.items():
                update[directive] = [*update.get(directive, []), *sources]
            return PolicyParts(parts.config, update, parts.replace, parts.nonce)
        return parts
