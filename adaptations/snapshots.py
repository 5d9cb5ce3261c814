"""What a programme, session plan or library item says, in a form that can be compared.

A *snapshot* is plain JSON: ``{"fields": {name: value}, "streams": {name: {"order": [ids],
"blocks": {id: {"type": ..., "value": ...}}}}}``. Fields are the things an adapter thinks of
one by one (title, introduction, learning outcomes); streams are the lists whose items keep
an id across edits and copies (a session's activities, a worksheet's parts, a quiz's
questions), so that an activity is recognised even after it was moved or renamed.

Snapshots are read from a page revision's stored content (the original as published, the
adapter's latest draft), or from a snippet instance. References to worksheets, case
scenarios and quizzes are always held as ids of the *original's* items, so that the
adapter's copy and the original compare equal until one of them really changes.
"""

import copy
import html
import json
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

TEXT, RICH, NUMBER, MINUTES, BOOL, CHOICE, CHILDREN, STREAM, M2M = (
    "text",
    "rich",
    "number",
    "minutes",
    "bool",
    "choice",
    "children",
    "stream",
    "m2m",
)


# Where rich text starts a new line when shown as plain text.
LINE_BREAKS = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|blockquote)\s*>", re.IGNORECASE)


def text_from_html(value):
    """Rich text as plain text, a paragraph or list item per line, for comparing words."""
    text = html.unescape(strip_tags(LINE_BREAKS.sub("\n", str(value or ""))))
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def model_label(model):
    return model._meta.label_lower


def empty_snapshot():
    return {"fields": {}, "streams": {}}


def comparable(value):
    """``value`` without the ids Wagtail gives list items, which say nothing about content
    and may differ between two saves of the same text."""
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, dict):
        if set(value) == {"type", "value", "id"} and value.get("type") == "item":
            return comparable(value["value"])
        return {key: comparable(item) for key, item in value.items()}
    return value


def same(a, b):
    return comparable(a) == comparable(b)


def _loads(value):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return []
    if value is None:
        return []
    return list(value)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- fields ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One thing an adapter reads as a whole: a title, a rich text, a pair of minutes, the
    list of learning outcomes."""

    name: str
    kind: str = TEXT
    attrs: tuple = ()
    label: object = None
    # For CHILDREN: the fields of each child row; for CHILDREN and M2M, the model each
    # field or the relation points at, as {field: "app.model"} (display only).
    child_fields: tuple = ()
    references: dict = field(default_factory=dict)

    @property
    def attributes(self):
        return self.attrs or (self.name,)

    # reading

    def from_content(self, content):
        """The value from a revision's stored content."""
        if self.kind == MINUTES:
            return [content.get(attr) for attr in self.attributes]
        raw = content.get(self.attributes[0])
        if self.kind == CHILDREN:
            rows = sorted(
                enumerate(raw or []),
                key=lambda pair: (
                    pair[1].get("sort_order") is None,
                    pair[1].get("sort_order"),
                    pair[0],
                ),
            )
            return [self._child_value(row) for _position, row in rows]
        if self.kind == STREAM:
            return [{"type": item.get("type"), "value": item.get("value")} for item in _loads(raw)]
        if self.kind == M2M:
            return sorted(int(pk) for pk in raw or [])
        return raw

    def from_instance(self, instance):
        if self.kind == MINUTES:
            return [getattr(instance, attr) for attr in self.attributes]
        raw = getattr(instance, self.attributes[0])
        if self.kind == CHILDREN:
            rows = sorted(
                raw.all(), key=lambda row: (row.sort_order is None, row.sort_order, row.pk)
            )
            return [
                self._child_value(
                    {
                        name: getattr(row, f"{name}_id", None) or getattr(row, name)
                        for name in self.child_fields
                    }
                )
                for row in rows
            ]
        if self.kind == STREAM:
            return [{"type": item.get("type"), "value": item.get("value")} for item in raw.raw_data]
        if self.kind == M2M:
            return sorted(obj.pk for obj in raw.all())
        return raw

    def _child_value(self, row):
        values = [row.get(name) for name in self.child_fields]
        return values[0] if len(values) == 1 else values

    # writing

    def write(self, instance, value):
        """Put ``value`` (as a snapshot holds it) onto ``instance``, ready to be saved."""
        if self.kind == MINUTES:
            for attr, part in zip(self.attributes, value or [None, None], strict=False):
                setattr(instance, attr, part)
            return
        attr = self.attributes[0]
        if self.kind == CHILDREN:
            setattr(instance, attr, self._children(instance, attr, value or []))
        elif self.kind == STREAM:
            setattr(instance, attr, copy.deepcopy(value or []))
        elif self.kind == M2M:
            getattr(instance, attr).set(value or [])
        else:
            setattr(instance, attr, value)

    def _children(self, instance, attr, values):
        """Child rows for ``values``, reusing the rows that already say the same thing so
        that what points at them (self-ratings point at outcomes) keeps pointing at them."""
        relation = getattr(instance, attr)
        model = relation.model
        existing = {}
        for row in relation.all():
            key = json.dumps(
                self._child_value(
                    {
                        name: getattr(row, f"{name}_id", None) or getattr(row, name)
                        for name in self.child_fields
                    }
                )
            )
            existing.setdefault(key, row)
        rows = []
        for position, value in enumerate(values):
            row = existing.pop(json.dumps(value), None)
            if row is None:
                parts = [value] if len(self.child_fields) == 1 else value
                row = model()
                for name, part in zip(self.child_fields, parts, strict=False):
                    if name in self.references:
                        setattr(row, f"{name}_id", part)
                    else:
                        setattr(row, name, part)
            row.sort_order = position
            rows.append(row)
        return rows

    # showing

    def get_label(self, model):
        if self.label is not None:
            return capfirst(self.label)
        return capfirst(model._meta.get_field(self.attributes[0]).verbose_name)

    def references_in(self, value):
        if self.kind == M2M and value:
            target = next(iter(self.references.values()))
            return [(target, pk) for pk in value]
        if self.kind == CHILDREN and self.references:
            found = []
            for row in value or []:
                parts = [row] if len(self.child_fields) == 1 else row
                for name, part in zip(self.child_fields, parts, strict=False):
                    if name in self.references:
                        found.append((self.references[name], part))
            return found
        return []

    def describe(self, model, value, names):
        """``value`` as plain text for the page of changes."""
        if self.kind == MINUTES:
            return describe_minutes(*(value or [None, None]))
        if self.kind == RICH:
            return text_from_html(value or "")
        if self.kind == BOOL:
            return gettext("Yes") if value else gettext("No")
        if self.kind == CHOICE:
            choices = dict(model._meta.get_field(self.attributes[0]).flatchoices)
            return str(choices.get(value, value or ""))
        if self.kind == NUMBER:
            return "" if value is None else str(value)
        if self.kind == M2M:
            target = next(iter(self.references.values()))
            return "\n".join(names.get((target, pk), "?") for pk in value or [])
        if self.kind == CHILDREN:
            lines = []
            for row in value or []:
                parts = [row] if len(self.child_fields) == 1 else row
                shown = []
                for name, part in zip(self.child_fields, parts, strict=False):
                    if name in self.references:
                        shown.append(names.get((self.references[name], part), "?"))
                    elif part:
                        shown.append(str(part))
                lines.append(": ".join(shown))
            return "\n".join(lines)
        if self.kind == STREAM:
            stream_block = model._meta.get_field(self.attributes[0]).stream_block
            lines = []
            for item in value or []:
                child = stream_block.child_blocks.get(item.get("type"))
                if child is not None:
                    lines.append(describe_block(child, item.get("value"), names, inline=True))
            return "\n".join(lines)
        return "" if value is None else str(value)


def describe_minutes(low, high=None):
    if low is None and high is None:
        return ""
    if high and high != low:
        return gettext("%(low)s–%(high)s min") % {"low": low, "high": high}
    return gettext("%(minutes)s min") % {"minutes": low}


# --- blocks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One field of an activity (or of a worksheet part, or a quiz question) as the adapter
    reads it: its title, its minutes, its procedure."""

    name: str
    keys: tuple
    block: object
    label: str

    def value_of(self, block_value):
        if not isinstance(block_value, dict):
            return block_value if self.keys == () else None
        if self.keys == ():
            return block_value
        if len(self.keys) == 1:
            return block_value.get(self.keys[0])
        return [block_value.get(key) for key in self.keys]

    def write(self, block_value, value):
        if self.keys == ():
            return copy.deepcopy(value)
        block_value = dict(block_value or {})
        if len(self.keys) == 1:
            block_value[self.keys[0]] = copy.deepcopy(value)
        else:
            for key, part in zip(self.keys, value or [None] * len(self.keys), strict=False):
                block_value[key] = part
        return block_value

    @property
    def target(self):
        if isinstance(self.block, SnippetChooserBlock):
            return model_label(self.block.target_model)
        return None

    def describe(self, value, names):
        if len(self.keys) == 2:
            return describe_minutes(*(value or [None, None]))
        return describe_block(self.block, value, names)


def parts_of(child_block):
    """The parts an adapter compares one by one in a stream item: a struct block's own
    children, with a ``*_min``/``*_max`` pair read as one length in minutes."""
    if not isinstance(child_block, blocks.StructBlock):
        return [Part("value", (), child_block, capfirst(child_block.label or ""))]
    children = child_block.child_blocks
    found = []
    for name, block in children.items():
        if name.endswith("_max") and f"{name[:-4]}_min" in children:
            continue
        if name.endswith("_min") and f"{name[:-4]}_max" in children:
            found.append(Part(name[:-4], (name, f"{name[:-4]}_max"), block, _("Minutes")))
        else:
            found.append(Part(name, (name,), block, capfirst(block.label or name)))
    return found


def _list_items(value):
    for item in value or []:
        if isinstance(item, dict) and set(item) >= {"type", "value"} and item.get("type") == "item":
            yield item["value"]
        else:
            yield item


def describe_block(block, value, names, inline=False):
    """A block's value as plain text, with snippets named and choices spelt out."""
    if isinstance(block, SnippetChooserBlock):
        pk = _int_or_none(value)
        return names.get((model_label(block.target_model), pk), "") if pk else ""
    if isinstance(block, blocks.RichTextBlock):
        return text_from_html(value or "")
    if isinstance(block, blocks.BooleanBlock):
        return gettext("Yes") if value else gettext("No")
    if isinstance(block, (blocks.MultipleChoiceBlock, blocks.ChoiceBlock)):
        choices = dict(block.field.choices)
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(str(choices.get(choice, choice)) for choice in chosen if choice)
    if isinstance(block, blocks.ListBlock):
        return "\n".join(
            describe_block(block.child_block, item, names, inline=True)
            for item in _list_items(value)
        )
    if isinstance(block, blocks.StructBlock):
        lines = []
        for name, child in block.child_blocks.items():
            text = describe_block(child, (value or {}).get(name), names, inline=True)
            if text:
                lines.append(
                    text
                    if inline and len(block.child_blocks) == 1
                    else f"{capfirst(child.label or name)}: {text}"
                )
        return (" · " if inline else "\n").join(lines)
    if isinstance(block, blocks.StreamBlock):
        return "\n".join(
            describe_block(block.child_blocks[item["type"]], item.get("value"), names, inline=True)
            for item in value or []
            if item.get("type") in block.child_blocks
        )
    return "" if value is None else str(value)


def block_references(child_block, value):
    """(model label, id) of every snippet a stream item points at through its own fields."""
    found = []
    for part in parts_of(child_block):
        if part.target:
            pk = _int_or_none(part.value_of(value))
            if pk:
                found.append((part.target, pk))
    return found


@dataclass(frozen=True)
class StreamSpec:
    """A stream whose items keep an id across edits and copies, compared item by item."""

    name: str
    item_label: object

    def from_raw(self, raw):
        stream = {"order": [], "blocks": {}}
        for item in _loads(raw):
            item_id = item.get("id")
            if not item_id:
                continue
            stream["order"].append(item_id)
            stream["blocks"][item_id] = {"type": item.get("type"), "value": item.get("value")}
        return stream


# --- what is compared for each kind of thing ---------------------------------------------------


class Spec:
    """Which fields and streams of ``model`` an adaptation follows."""

    def __init__(self, model_name, fields, streams=()):
        self.model_name = model_name
        self.fields = list(fields)
        self.streams = list(streams)

    @cached_property
    def model(self):
        return apps.get_model(self.model_name)

    def stream_block(self, stream_name):
        return self.model._meta.get_field(stream_name).stream_block

    def child_block(self, stream_name, block_type):
        return self.stream_block(stream_name).child_blocks.get(block_type)

    def from_content(self, content):
        """A snapshot from a page revision's stored content (a dict)."""
        snapshot = empty_snapshot()
        for spec in self.fields:
            snapshot["fields"][spec.name] = spec.from_content(content)
        for stream in self.streams:
            snapshot["streams"][stream.name] = stream.from_raw(content.get(stream.name))
        return snapshot

    def from_instance(self, instance):
        snapshot = empty_snapshot()
        for spec in self.fields:
            snapshot["fields"][spec.name] = spec.from_instance(instance)
        for stream in self.streams:
            snapshot["streams"][stream.name] = stream.from_raw(
                list(getattr(instance, stream.name).raw_data)
            )
        return snapshot

    def translate(self, snapshot, mapping):
        """A copy of ``snapshot`` whose snippet references are swapped through ``mapping``
        ({"app.model": {from_id: to_id}}); ids not in the mapping stay as they are."""
        snapshot = copy.deepcopy(snapshot)
        for stream in self.streams:
            data = snapshot["streams"].get(stream.name) or {"order": [], "blocks": {}}
            for item in data["blocks"].values():
                item["value"] = self.translate_block(stream.name, item, mapping)
        return snapshot

    def translate_block(self, stream_name, item, mapping):
        child = self.child_block(stream_name, item.get("type"))
        value = copy.deepcopy(item.get("value"))
        if child is None or not isinstance(value, dict):
            return value
        for part in parts_of(child):
            if part.target and value.get(part.keys[0]) is not None:
                pk = _int_or_none(value[part.keys[0]])
                value[part.keys[0]] = mapping.get(part.target, {}).get(pk, pk)
        return value

    def references(self, snapshot):
        found = []
        for spec in self.fields:
            found += spec.references_in(snapshot["fields"].get(spec.name))
        for stream in self.streams:
            data = snapshot["streams"].get(stream.name) or {"blocks": {}}
            for item in data["blocks"].values():
                child = self.child_block(stream.name, item.get("type"))
                if child is not None:
                    found += block_references(child, item.get("value"))
        return found


PROGRAMME = Spec(
    "curriculum.ProgrammePage",
    [
        FieldSpec("summary"),
        FieldSpec("description", RICH),
        FieldSpec(
            "learning_outcomes", CHILDREN, label=_("learning outcomes"), child_fields=("text",)
        ),
        FieldSpec(
            "value_choices",
            CHILDREN,
            label=_("peer support values taught"),
            child_fields=("value", "description"),
            references={"value": "curriculum.peersupportvalue"},
        ),
    ],
)

SESSION = Spec(
    "curriculum.SessionPlanPage",
    [
        FieldSpec("title", label=_("title")),
        FieldSpec("summary"),
        FieldSpec("planned_duration", NUMBER),
        FieldSpec("introduction", RICH),
        FieldSpec(
            "introduction_minutes",
            MINUTES,
            attrs=("introduction_minutes_min", "introduction_minutes_max"),
            label=_("introduction minutes"),
        ),
        FieldSpec("closure", RICH),
        FieldSpec(
            "closure_minutes",
            MINUTES,
            attrs=("closure_minutes_min", "closure_minutes_max"),
            label=_("closing minutes"),
        ),
        FieldSpec(
            "learning_outcomes", CHILDREN, label=_("learning outcomes"), child_fields=("text",)
        ),
        FieldSpec("materials", STREAM),
        FieldSpec("conceptual_contents", STREAM),
        FieldSpec("closure_questions", STREAM),
        FieldSpec("bibliography", STREAM),
    ],
    [StreamSpec("activities", _("Activity"))],
)

WORKSHEET = Spec(
    "worksheets.Worksheet",
    [FieldSpec("title"), FieldSpec("reference"), FieldSpec("instructions")],
    [StreamSpec("parts", _("Part"))],
)

CASE_SCENARIO = Spec(
    "curriculum.CaseScenario",
    [
        FieldSpec("title"),
        FieldSpec("summary"),
        FieldSpec("narrative", RICH),
        FieldSpec("reflection_questions", STREAM),
        FieldSpec("content_notes", M2M, references={"content_notes": "curriculum.contentnote"}),
    ],
)

QUIZ = Spec(
    "assessments.Quiz",
    [
        FieldSpec("title"),
        FieldSpec("introduction"),
        FieldSpec("pass_percent", NUMBER),
        FieldSpec("attempts_allowed", NUMBER),
        FieldSpec("counted_attempt", CHOICE),
        FieldSpec("closes_days_after_session", NUMBER),
        FieldSpec("show_feedback", BOOL),
    ],
    [StreamSpec("questions", _("Question"))],
)

# The library items an adaptation has its own copies of, in the order they are copied:
# worksheets may ask about a case scenario, so scenarios come first.
SNIPPET_SPECS = {
    "curriculum.casescenario": CASE_SCENARIO,
    "worksheets.worksheet": WORKSHEET,
    "assessments.quiz": QUIZ,
}


def spec_for_label(label):
    return SNIPPET_SPECS.get(label)
