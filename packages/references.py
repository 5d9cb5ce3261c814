"""Where curriculum content points at other things, and how to make it point elsewhere.

Content refers to other rows by id in three places: chooser blocks in StreamFields (an
activity's worksheet, a worksheet part's case scenario), rich text (``<a linktype="page"
id="3">``, ``<a linktype="document" ...>``, ``<embed embedtype="image" ...>``) and foreign
keys. Ids mean nothing in another installation, so exporting collects every reference and
importing rewrites each one to the id of the new (or matched) row.

The walk reads *stored* stream data, block definition by block definition, rather than
loaded values: no query per block, and the same walk runs over a package's JSON before any
of it exists in this site's database. A block or field the site does not know is dropped
when exporting (the site cannot show it either) and refused when importing, so that
nothing in a package is lost without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.blocks.field_block import ChooserBlock
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.rich_text.rewriters import extract_attrs

PAGE = "wagtailcore.page"


def image_label():
    return get_image_model()._meta.label_lower


def document_label():
    return get_document_model()._meta.label_lower


def label_of(model):
    """The kind of a referenced row as packages name it; every page type is a page."""
    if issubclass(model, Page):
        return PAGE
    return model._meta.label_lower


class UnknownContent(Exception):
    """Stored content with a block or field this site does not have."""


@dataclass(frozen=True)
class ExternalLink:
    """What a page link becomes when the page it points at is not in the package."""

    url: str


# --- rich text --------------------------------------------------------------------------------

_TAG = re.compile(r"<(a|embed)(\b[^>]*?)(/?)>")
_ID = re.compile(r'(?<![\w-])id="[^"]*"')


def rewrite_rich_text(html, replace, where):
    """``html`` with each page, document and image reference passed through
    ``replace(label, key, where)``, which returns the new id, an ``ExternalLink`` (the link
    becomes a web link) or None (the link keeps its words only; a picture is left out)."""
    if not html or "linktype" not in html and "embedtype" not in html:
        return html

    def substitute(match):
        name, attr_string, slash = match.groups()
        attrs = extract_attrs(attr_string)
        if name == "a":
            label = {"page": PAGE, "document": document_label()}.get(attrs.get("linktype"))
        else:
            label = image_label() if attrs.get("embedtype") == "image" else None
        if label is None or "id" not in attrs:
            return match.group(0)
        result = replace(label, attrs["id"], where)
        if result is None or isinstance(result, ExternalLink):
            if name == "embed":
                return ""  # a picture that cannot travel is left out, not shown broken
            url = result.url if result is not None else ""
            return f'<a href="{escape(url)}">' if url else "<a>"
        new_id = f'id="{result}"'
        return f"<{name}{_ID.sub(lambda _match: new_id, attr_string, count=1)}{slash}>"

    return _TAG.sub(substitute, html)


# --- stream data ------------------------------------------------------------------------------


def _is_list_item(value):
    return (
        isinstance(value, dict)
        and value.get("type") == "item"
        and set(value)
        <= {
            "type",
            "value",
            "id",
        }
    )


def _named(block, value):
    label = str(block.label or block.name)
    title = value.get("title") if isinstance(value, dict) else None
    return f"{label} “{title}”" if title else label


def walk_stream(stream_block, raw, replace, where, *, strict):
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise UnknownContent(_("%(where)s is not a list of blocks.") % {"where": " › ".join(where)})
    result = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise UnknownContent(
                _("%(where)s holds something that is not a block.") % {"where": " › ".join(where)}
            )
        child = stream_block.child_blocks.get(item["type"])
        if child is None:
            if strict:
                raise UnknownContent(
                    _("%(where)s has a kind of block this site does not know: “%(type)s”.")
                    % {"where": " › ".join(where), "type": item["type"]}
                )
            continue
        value = item.get("value")
        new = dict(item)
        new["value"] = walk_block(
            child, value, replace, (*where, _named(child, value)), strict=strict
        )
        result.append(new)
    return result


def walk_block(block, value, replace, where, *, strict):
    """``value`` (stored form of ``block``) with its references passed through ``replace``."""
    if isinstance(block, blocks.StreamBlock):
        return walk_stream(block, value, replace, where, strict=strict)
    if isinstance(block, blocks.StructBlock):
        if value is None:
            return value
        if not isinstance(value, dict):
            raise UnknownContent(
                _("%(where)s is not in the expected form.") % {"where": " › ".join(where)}
            )
        result = {}
        for name, child_value in value.items():
            child = block.child_blocks.get(name)
            if child is None:
                if strict:
                    raise UnknownContent(
                        _("%(where)s has a field this site does not know: “%(name)s”.")
                        % {"where": " › ".join(where), "name": name}
                    )
                continue
            result[name] = walk_block(
                child, child_value, replace, (*where, str(child.label or name)), strict=strict
            )
        return result
    if isinstance(block, blocks.ListBlock):
        if value is None:
            return value
        if not isinstance(value, list):
            raise UnknownContent(_("%(where)s is not a list.") % {"where": " › ".join(where)})
        result = []
        for item in value:
            if _is_list_item(item):
                result.append(
                    {
                        **item,
                        "value": walk_block(
                            block.child_block, item.get("value"), replace, where, strict=strict
                        ),
                    }
                )
            else:
                result.append(walk_block(block.child_block, item, replace, where, strict=strict))
        return result
    if isinstance(block, ChooserBlock):
        if value in (None, ""):
            return value
        return replace(label_of(block.target_model), value, where)
    if isinstance(block, blocks.RichTextBlock):
        if not isinstance(value, str):
            return value
        return rewrite_rich_text(value, replace, where)
    return value


def collect():
    """A ``replace`` function that notes every reference and changes nothing.

    Returns ``(replace, found)`` where ``found`` is a list of ``(label, key, where)``."""
    found = []

    def replace(label, key, where):
        found.append((label, key, where))
        return key

    return replace, found
