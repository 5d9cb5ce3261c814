"""A programme as plain data, without anything that changes when it is copied: ids, tree
paths, slugs, timestamps, random folder names, file paths and the people who made it.

Written independently of the packages app (it reads the models, not the package), so that a
round trip compared through it shows what really arrived. References are replaced by what
they point at: a worksheet by its content, a page link by the page's title, a picture by the
SHA-256 of its bytes.
"""

import datetime
import decimal
import hashlib
import json
import re

from django.contrib.auth.models import User
from django.db import models
from django.db.models.fields.files import FieldFile
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.rich_text import RichText

from curriculum.models import SessionPlanPage

SKIPPED = {
    # tree, address and publishing bookkeeping of pages and collections
    "path",
    "depth",
    "numchild",
    "url_path",
    "slug",
    "translation_key",
    "locale",
    "content_type",
    "draft_title",
    "has_unpublished_changes",
    "latest_revision",
    "live_revision",
    "alias_of",
    "locked",
    "locked_by",
    "locked_at",
    "owner",
    "go_live_at",
    "expire_at",
    "expired",
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
    # which rows a child belongs to: compared through the parent instead
    "page",
    "session_plan",
    "programme",
    "sort_order",
    # where an uploaded file is stored (its bytes are compared)
    "file_name",
}

TAG = re.compile(r"<(a|embed)\b([^>]*?)/?>")
ATTRS = re.compile(r'([\w-]+)="([^"]*)"')


def _sha(field_file):
    field_file.open("rb")
    try:
        return hashlib.sha256(field_file.read()).hexdigest()
    finally:
        field_file.close()


def rich_text(html):
    """Rich text with each id replaced by what it points at."""

    def replace(match):
        name, attr_string = match.groups()
        attrs = dict(ATTRS.findall(attr_string))
        if name == "a" and attrs.get("linktype") == "page":
            page = Page.objects.filter(pk=attrs.get("id")).first()
            return f'<a page="{page.title if page else "MISSING"}">'
        if name == "a" and attrs.get("linktype") == "document":
            doc = get_document_model().objects.filter(pk=attrs.get("id")).first()
            return f'<a document="{_sha(doc.file) if doc else "MISSING"}">'
        if name == "embed" and attrs.get("embedtype") == "image":
            image = get_image_model().objects.filter(pk=attrs.get("id")).first()
            rest = sorted((k, v) for k, v in attrs.items() if k != "id")
            return f'<embed image="{_sha(image.file) if image else "MISSING"}" {rest}/>'
        return match.group(0)

    return TAG.sub(replace, html)


def plain(value):
    if isinstance(value, StreamValue):
        return [(child.block_type, plain(child.value)) for child in value]
    if isinstance(value, StructValue):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (ListValue, list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, RichText):
        return rich_text(value.source)
    if isinstance(value, str):
        return rich_text(value)
    if isinstance(value, models.Model):
        return describe(value)
    if isinstance(value, FieldFile):
        return _sha(value) if value.name else None
    if isinstance(value, (decimal.Decimal, datetime.date)):
        return str(value)
    return value


def describe(obj):
    """Every field of ``obj`` that says what it is, references followed."""
    if obj is None:
        return None
    data = {"model": obj._meta.label_lower}
    for field in obj._meta.concrete_fields:
        if (
            field.primary_key
            or field.name in SKIPPED
            or isinstance(field, models.UUIDField)
            or getattr(field, "auto_now", False)
            or getattr(field, "auto_now_add", False)
        ):
            continue
        if field.is_relation:
            if field.related_model is User or getattr(field.remote_field, "parent_link", False):
                continue
            data[field.name] = describe(getattr(obj, field.name))
            continue
        data[field.name] = plain(getattr(obj, field.name))
    for field in obj._meta.many_to_many:
        related = getattr(obj, field.name).all()
        data[field.name] = sorted(json.dumps(describe(item), sort_keys=True) for item in related)
    return data


def normalised(programme):
    """The whole programme: its page, values, outcomes, rules and credits, then each session
    plan with its self-assessment and credits, in teaching order."""
    programme = programme.specific
    sessions = list(SessionPlanPage.objects.child_of(programme).order_by("path"))
    completion = getattr(programme, "completion_rule", None)
    return {
        "programme": describe(programme),
        "live": programme.live,
        "outcomes": [o.text for o in programme.learning_outcomes.order_by("sort_order", "pk")],
        "values": [
            (value.name, value.description, wording)
            for value, wording in programme.peer_support_values()
        ],
        "completion_rule": describe(completion) if completion else None,
        "credit_mappings": sorted(
            json.dumps(describe(m), sort_keys=True) for m in programme.credit_mappings.all()
        ),
        "sessions": [
            {
                "page": describe(session),
                "live": session.live,
                "outcomes": [
                    o.text for o in session.learning_outcomes.order_by("sort_order", "pk")
                ],
                "self_assessment": describe(getattr(session, "self_assessment", None)),
                "credit_mappings": sorted(
                    json.dumps(describe(m), sort_keys=True) for m in session.credit_mappings.all()
                ),
            }
            for session in sessions
        ],
    }
