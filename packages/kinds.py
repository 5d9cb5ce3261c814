"""What a package carries, kind by kind, and how a row's content is read and written.

Fields are found from the models rather than listed here, so a field added to a worksheet or
a session plan later travels in packages without touching this app. What is *not* carried
is the site's own bookkeeping: ids, timestamps, fields no editor can type (``editable=False``:
an H5P package's checksum, a value's place in the library list) and links to people. Files
travel as members of the zip (see ``format``).

Library items (``LIBRARY_KINDS``) are listed in the order they are imported, each after
what it points at. Some are matched to what this site already has by a name that is unique
here (``match_by``): a programme teaching "Hope" should use this site's "Hope", not a second
one. Everything else is created new.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import get_all_child_relations
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .references import document_label, image_label, rewrite_rich_text, walk_stream

# The Page fields an editor sets; the rest (tree position, publishing state, locks, owner,
# locale) belong to the site the page lives in.
PAGE_FIELDS = ("title", "slug", "seo_title", "search_description", "show_in_menus")

PROGRAMME_LABEL = "curriculum.programmepage"
SESSION_LABEL = "curriculum.sessionplanpage"
PROGRAMME_OUTCOME = "curriculum.programmelearningoutcome"
SESSION_OUTCOME = "curriculum.sessionlearningoutcome"


@dataclass(frozen=True)
class Kind:
    """One kind of library item a package can hold."""

    label: str
    noun: object
    plural: object
    match_by: str = ""
    exclude: tuple = ()
    # Foreign keys and many-to-many fields carried, as {field name: target label}.
    relations: dict = field(default_factory=dict)
    file_field: str = ""

    @cached_property
    def model(self):
        return apps.get_model(self.label)

    @cached_property
    def fields(self):
        return carried_fields(self.model, exclude=(*self.exclude, self.file_field))

    @property
    def add_permission(self):
        opts = self.model._meta
        return f"{opts.app_label}.add_{opts.model_name}"

    def name_of(self, data):
        values = data.get("fields") if isinstance(data, dict) else None
        values = values if isinstance(values, dict) else {}
        for name in (self.match_by, "title", "name"):
            if name and values.get(name):
                return str(values[name])
        return str(data.get("key", "?")) if isinstance(data, dict) else "?"

    def describe(self, data):
        return f"{self.noun} “{self.name_of(data)}”"


@dataclass(frozen=True)
class Attachment:
    """A row that belongs to a programme or session plan without being a page child: its
    self-assessment, completion rule, credit mappings."""

    key: str
    label: str
    parent_field: str
    many: bool
    noun: object
    relations: dict = field(default_factory=dict)

    @cached_property
    def model(self):
        return apps.get_model(self.label)

    @cached_property
    def fields(self):
        return carried_fields(self.model, exclude=(self.parent_field,))

    @property
    def add_permission(self):
        opts = self.model._meta
        return f"{opts.app_label}.add_{opts.model_name}"


def library_kinds():
    return [
        Kind(image_label(), _("image"), _("images"), file_field="file"),
        Kind(document_label(), _("document"), _("documents"), file_field="file"),
        Kind(
            "curriculum.peersupportvalue",
            _("peer support value"),
            _("peer support values"),
            match_by="name",
        ),
        Kind("curriculum.contentnote", _("content note"), _("content notes"), match_by="name"),
        Kind(
            "curriculum.casescenario",
            _("case scenario"),
            _("case scenarios"),
            relations={"content_notes": "curriculum.contentnote"},
        ),
        Kind("worksheets.worksheet", _("worksheet"), _("worksheets")),
        Kind("assessments.quiz", _("quiz"), _("quizzes")),
        Kind(
            "assessments.h5pactivity",
            _("H5P activity"),
            _("H5P activities"),
            file_field="package",
        ),
        Kind(
            "certificates.creditframework",
            _("credit framework"),
            _("credit frameworks"),
            match_by="short_name",
        ),
    ]


def kinds_by_label():
    return {kind.label: kind for kind in library_kinds()}


PROGRAMME_ATTACHMENTS = (
    Attachment(
        "completion_rule",
        "training.completionrule",
        "programme",
        many=False,
        noun=_("completion rule"),
        relations={"optional_worksheets": "worksheets.worksheet"},
    ),
)
CREDIT_MAPPINGS = Attachment(
    "credit_mappings",
    "certificates.creditmapping",
    "",
    many=True,
    noun=_("credit mapping"),
    relations={
        "framework": "certificates.creditframework",
        "programme_outcomes": PROGRAMME_OUTCOME,
        "session_outcomes": SESSION_OUTCOME,
    },
)
SESSION_ATTACHMENTS = (
    Attachment(
        "self_assessment",
        "assessments.selfassessment",
        "session_plan",
        many=False,
        noun=_("self-assessment"),
    ),
)


def credit_mapping_fields():
    return carried_fields(CREDIT_MAPPINGS.model, exclude=("programme", "session_plan"))


# --- fields -----------------------------------------------------------------------------------


def _is_bookkeeping(model_field):
    return (
        model_field.primary_key
        or not model_field.editable
        or getattr(model_field, "auto_now", False)
        or getattr(model_field, "auto_now_add", False)
    )


def carried_fields(model, exclude=()):
    """The plain fields of ``model`` a package carries (relations are declared per kind)."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.is_relation and not _is_bookkeeping(f) and f.name not in exclude
    ]


def page_fields(model):
    """A page type's own fields, and the few Page fields an editor sets."""
    return [
        f
        for f in model._meta.concrete_fields
        if (f.name in PAGE_FIELDS if f.model is Page else not f.is_relation)
        and not (f.model is not Page and _is_bookkeeping(f))
    ]


def child_relations(model):
    """The orderable children of a page type (learning outcomes, chosen values): for each,
    ``(name, child model, plain fields, {fk name: target label})``. A link to anything a
    package cannot carry (a person) is left out."""
    from .references import label_of

    carried = set(kinds_by_label())
    result = []
    for relation in get_all_child_relations(model):
        child = relation.related_model
        links = {}
        for f in child._meta.concrete_fields:
            if not f.is_relation or isinstance(f, ParentalKey):
                continue
            target = label_of(f.related_model)
            if target in carried:
                links[f.name] = target
        plain = carried_fields(child, exclude=("sort_order",))
        result.append((relation.get_accessor_name(), child, plain, links))
    return result


def dump_fields(instance, fields):
    """The stored content of ``fields``: streams as their raw block list, everything else as
    the model holds it (``format.dumps`` writes dates and decimals as text)."""
    values = {}
    for f in fields:
        if isinstance(f, StreamField):
            values[f.name] = copy.deepcopy(list(getattr(instance, f.name).raw_data))
        else:
            values[f.name] = f.value_from_object(instance)
    return values


def load_value(model_field, value):
    """A value from a package, in the type ``model_field`` holds."""
    if isinstance(model_field, StreamField):
        return value if value is not None else []
    if value is None:
        return None
    if isinstance(model_field, models.JSONField):
        return value
    return model_field.to_python(value)


def remap_fields(fields, values, replace, where, *, strict):
    """``values`` with every reference in streams and rich text passed through ``replace``."""
    values = dict(values)
    for f in fields:
        if f.name not in values:
            continue
        here = (*where, str(f.verbose_name))
        if isinstance(f, StreamField):
            values[f.name] = walk_stream(
                f.stream_block, values[f.name], replace, here, strict=strict
            )
        elif isinstance(f, RichTextField) and isinstance(values[f.name], str):
            values[f.name] = rewrite_rich_text(values[f.name], replace, here)
    return values


__all__ = [
    "CREDIT_MAPPINGS",
    "PROGRAMME_ATTACHMENTS",
    "SESSION_ATTACHMENTS",
    "Attachment",
    "Kind",
    "carried_fields",
    "child_relations",
    "document_label",
    "dump_fields",
    "library_kinds",
    "load_value",
    "page_fields",
    "remap_fields",
]
