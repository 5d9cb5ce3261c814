"""Login names for trainees created by a trainer or an import, many of whom have no email."""

import re
import unicodedata

from django.contrib.auth import get_user_model


def base_username(first_name, last_name):
    """'Amélie', 'Du Pont' -> 'amelie.dupont': ASCII, short, easy to type from a card."""

    def clean(value):
        ascii_text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]", "", ascii_text.lower())

    first, last = clean(first_name), clean(last_name)
    name = ".".join(part for part in (first, last[:1] if first else last) if part)
    # Keep whole surnames out of login names on printed cards: first name and an initial.
    return (name or "trainee")[:24]


def unique_username(first_name, last_name, taken=None):
    """A username not used yet: 'marie.d', then 'marie.d2', 'marie.d3'...

    ``taken`` is an optional set of names already chosen in the same batch (an import)."""
    User = get_user_model()
    base = base_username(first_name, last_name)
    existing = set(
        User.objects.filter(username__startswith=base).values_list("username", flat=True)
    )
    existing |= set(taken or ())
    candidate, n = base, 1
    while candidate in existing:
        n += 1
        candidate = f"{base}{n}"
    return candidate
