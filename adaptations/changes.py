"""Changes in the original since the adapter last looked, found by a three-way comparison.

For every field and every activity (matched by its stream block id, which copying keeps):

* the *baseline*: what the original said when the adapter last took or set aside its changes;
* the *original now*: its live (published) revision;
* *yours now*: the adapter's latest revision, draft or published.

A change is offered when the original differs from the baseline. It is a *conflict* when the
adapter's version differs from the baseline as well: taking it would replace a local edit, so
the page shows both and asks which to keep.

Everything is read in a fixed number of queries, whatever the number of session plans.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.compare import diff_text
from wagtail.models import Revision

from curriculum.models import SessionPlanPage

from .models import Adaptation, AdaptedSession, AdaptedSnippet
from .snapshots import (
    M2M,
    PROGRAMME,
    SESSION,
    SNIPPET_SPECS,
    comparable,
    describe_block,
    empty_snapshot,
    parts_of,
    same,
)

# What happened to one item.
FIELD = "field"  # a field of a page or library item changed
PART = "part"  # one field of an activity (or worksheet part, quiz question) changed
ADDED = "added"  # the original added an activity
REMOVED = "removed"  # the original removed an activity
REMOVED_HERE = "removed_here"  # the original changed an activity the adapter removed
REPLACED = "replaced"  # the original turned an activity into another kind of block
SESSION_ADDED = "session_added"  # the original has a session plan the adaptation lacks
SESSION_REMOVED = "session_removed"  # the original no longer has this session plan

KIND_LABELS = {
    FIELD: _("Changed"),
    PART: _("Changed"),
    ADDED: _("Added in the original"),
    REMOVED: _("Removed in the original"),
    REMOVED_HERE: _("Changed in the original, removed in yours"),
    REPLACED: _("Replaced in the original"),
    SESSION_ADDED: _("New session plan in the original"),
    SESSION_REMOVED: _("Session plan no longer in the original"),
}


@dataclass
class Change:
    """One difference between the original now and what it said at the last sync."""

    unit: "Unit"
    key: str
    kind: str
    label: str
    base: object = None
    upstream: object = None
    mine: object = None
    conflict: bool = False
    # What the change is about, for showing and applying it: the field spec, or the stream
    # name, block id(s) and part.
    field_spec: object = None
    stream: str = ""
    block_id: str = ""
    upstream_block_id: str = ""
    part: object = None
    # Plain text of each version, filled in by ``Review.describe``.
    before_text: str = ""
    after_text: str = ""
    mine_text: str = ""

    @property
    def token(self):
        """Changes when any of the three versions changes, so a decision made on a page that
        has gone stale is refused instead of applied to something the adapter did not see."""
        payload = json.dumps(
            [
                self.unit.key,
                self.key,
                comparable(self.base),
                comparable(self.upstream),
                comparable(self.mine),
            ],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    @property
    def ref(self):
        return f"{self.unit.key}|{self.key}|{self.token}"

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def original_diff(self):
        """What the original changed, since the last sync, marked word by word."""
        return diff_text(self.before_text, self.after_text).to_html()

    @property
    def mine_diff(self):
        """What the adapter changed, since the last sync, marked word by word."""
        return diff_text(self.before_text, self.mine_text).to_html()


@dataclass
class Unit:
    """A page or library item of the adaptation, with the changes the original has for it."""

    key: str
    kind: str  # "programme", "session", "new_session", "snippet"
    heading: str
    record: object = None
    spec: object = None
    base: dict = None
    upstream: dict = None
    mine: dict = None
    source: object = None
    copy: object = None
    source_revision_id: int = None
    sort_key: tuple = ()
    changes: list = field(default_factory=list)

    @property
    def conflicts(self):
        return [change for change in self.changes if change.conflict]


def _title_of(value):
    if not isinstance(value, dict):
        return str(value or "")[:60]
    for key in ("title", "prompt", "question", "situation", "instructions"):
        if value.get(key):
            return str(value[key])[:60]
    return ""


def pair_blocks(base, upstream):
    """Which block of the original now is which block of the baseline: {base id: upstream id}.

    Ids first, as copying and editing keep them. A block left over on both sides with the
    same kind and title is taken to be the same block too: an import or a script that wrote
    the whole stream again gives every block a new id without changing what it says.
    """
    pairs = {bid: bid for bid in base["order"] if bid in upstream["blocks"]}
    left = [uid for uid in upstream["order"] if uid not in base["blocks"]]
    for bid in base["order"]:
        if bid in pairs:
            continue
        block = base["blocks"][bid]
        for uid in left:
            candidate = upstream["blocks"][uid]
            if candidate["type"] == block["type"] and _title_of(candidate["value"]) == _title_of(
                block["value"]
            ):
                pairs[bid] = uid
                left.remove(uid)
                break
    return pairs


def _stream(snapshot, name):
    return (snapshot or empty_snapshot())["streams"].get(name) or {"order": [], "blocks": {}}


def diff_unit(unit):
    """Fill ``unit.changes`` from its three snapshots."""
    spec, base, upstream, mine = unit.spec, unit.base or empty_snapshot(), unit.upstream, unit.mine
    if upstream is None or mine is None:
        return
    model = spec.model
    for field_spec in spec.fields:
        b = base["fields"].get(field_spec.name)
        u = upstream["fields"].get(field_spec.name)
        m = mine["fields"].get(field_spec.name)
        if same(u, b) or same(m, u):
            continue
        unit.changes.append(
            Change(
                unit=unit,
                key=f"f:{field_spec.name}",
                kind=FIELD,
                label=field_spec.get_label(model),
                base=b,
                upstream=u,
                mine=m,
                conflict=not same(m, b),
                field_spec=field_spec,
            )
        )
    for stream in spec.streams:
        diff_stream(unit, stream.name)


def _block_names(spec, stream_name, *streams):
    names = {}
    for data in streams:
        counts = {}
        for block_id in data["order"]:
            block = data["blocks"][block_id]
            counts[block["type"]] = counts.get(block["type"], 0) + 1
            if block_id in names:
                continue
            child = spec.child_block(stream_name, block["type"])
            kind = str(child.label) if child is not None else block["type"]
            title = _title_of(block["value"])
            number = counts[block["type"]]
            names[block_id] = f"{kind} {number}: {title}" if title else f"{kind} {number}"
    return names


def diff_stream(unit, stream_name):
    spec = unit.spec
    base = _stream(unit.base, stream_name)
    upstream = _stream(unit.upstream, stream_name)
    mine = _stream(unit.mine, stream_name)
    pairs = pair_blocks(base, upstream)
    names = _block_names(spec, stream_name, mine, base)
    upstream_names = _block_names(spec, stream_name, upstream)
    prefix = f"s:{stream_name}:"

    def add(kind, key, label, **kwargs):
        unit.changes.append(
            Change(
                unit=unit, key=prefix + key, kind=kind, label=label, stream=stream_name, **kwargs
            )
        )

    for bid in base["order"]:
        b_block = base["blocks"][bid]
        m_block = mine["blocks"].get(bid)
        uid = pairs.get(bid)
        if uid is None:
            if m_block is not None:
                add(
                    REMOVED,
                    f"-{bid}",
                    names.get(bid, bid),
                    base=b_block,
                    mine=m_block,
                    conflict=not same(m_block, b_block),
                    block_id=bid,
                )
            continue
        u_block = upstream["blocks"][uid]
        if same(u_block, b_block):
            continue
        if m_block is None:
            add(
                REMOVED_HERE,
                f"*{bid}",
                names.get(bid, bid),
                base=b_block,
                upstream=u_block,
                conflict=True,
                block_id=bid,
                upstream_block_id=uid,
            )
            continue
        if u_block["type"] != b_block["type"] or m_block["type"] != b_block["type"]:
            if not same(m_block, u_block):
                add(
                    REPLACED,
                    f"={bid}",
                    names.get(bid, bid),
                    base=b_block,
                    upstream=u_block,
                    mine=m_block,
                    conflict=not same(m_block, b_block),
                    block_id=bid,
                    upstream_block_id=uid,
                )
            continue
        child = spec.child_block(stream_name, b_block["type"])
        for part in parts_of(child):
            b = part.value_of(b_block["value"])
            u = part.value_of(u_block["value"])
            m = part.value_of(m_block["value"])
            if same(u, b) or same(m, u):
                continue
            add(
                PART,
                f"{bid}:{part.name}",
                f"{names.get(bid, bid)} · {part.label}",
                base=b,
                upstream=u,
                mine=m,
                conflict=not same(m, b),
                block_id=bid,
                upstream_block_id=uid,
                part=part,
            )
    paired = set(pairs.values())
    for uid in upstream["order"]:
        if uid in paired:
            continue
        u_block = upstream["blocks"][uid]
        m_block = mine["blocks"].get(uid)
        if m_block is not None and same(m_block, u_block):
            continue
        add(
            ADDED,
            f"+{uid}",
            upstream_names.get(uid, uid),
            upstream=u_block,
            mine=m_block,
            conflict=m_block is not None,
            upstream_block_id=uid,
        )


# --- reading everything an adaptation needs ----------------------------------------------------


class Review:
    """Every change in the original for one adaptation. Built by ``reviews_for``, which
    reads what several adaptations need in a fixed number of queries."""

    def __init__(self, adaptation):
        self.adaptation = adaptation
        self.units = []
        self.names = {}
        self.original_missing = False
        self.snippet_objects = {}  # {(label, pk): instance}, shared between reviews
        self.copy_to_source = {}  # {label: {copy id: source id}}

    # counts

    @property
    def changes(self):
        return [change for unit in self.units for change in unit.changes]

    @property
    def pending_count(self):
        return len(self.changes)

    @property
    def conflict_count(self):
        return sum(1 for change in self.changes if change.conflict)

    @property
    def units_with_changes(self):
        return [unit for unit in self.units if unit.changes]

    def unit(self, key):
        for unit in self.units:
            if unit.key == key:
                return unit
        return None

    def find(self, unit_key, change_key):
        unit = self.unit(unit_key)
        if unit is None:
            return None
        for change in unit.changes:
            if change.key == change_key:
                return change
        return None

    def count_for(self, copy_page):
        """Changes waiting for one adapted session plan (or the programme)."""
        return sum(
            len(unit.changes)
            for unit in self.units
            if unit.copy is not None
            and getattr(unit.copy, "pk", None) == copy_page.pk
            and unit.kind in ("programme", "session")
        )

    # building

    def build(self, rows, snippet_rows, new_sessions, contents):
        adaptation = self.adaptation
        programme = adaptation.programme
        source = adaptation.source
        source_live = source is not None and source.live
        self.original_missing = not source_live

        def page_snapshot(spec, page, revision_id):
            content = contents.get(revision_id)
            if content is not None:
                return spec.from_content(content)
            return spec.from_instance(page)

        for row in snippet_rows:
            self.copy_to_source.setdefault(_label(row), {})[row.copy_id] = row.source_id

        # The programme itself.
        unit = Unit(
            key="programme",
            kind="programme",
            heading=gettext("The programme"),
            record=adaptation,
            spec=PROGRAMME,
            base=adaptation.baseline or empty_snapshot(),
            copy=programme,
            source=source,
            sort_key=(0, 0),
        )
        if source_live:
            unit.upstream = page_snapshot(PROGRAMME, source, source.live_revision_id)
            unit.source_revision_id = source.live_revision_id
            unit.mine = page_snapshot(PROGRAMME, programme, programme.latest_revision_id)
            diff_unit(unit)
        self.units.append(unit)

        # Its session plans.
        for row in rows:
            copy_page, source_page = row.copy_session, row.source_session
            row_source_live = source_page is not None and source_page.live
            number = copy_page.number if copy_page else (source_page.number if source_page else 0)
            unit = Unit(
                key=f"session-{row.pk}",
                kind="session",
                heading=session_heading(copy_page or source_page, row.source_title),
                record=row,
                spec=SESSION,
                base=row.baseline or empty_snapshot(),
                copy=copy_page,
                source=source_page,
                sort_key=(1, number, row.pk),
            )
            if row_source_live:
                unit.upstream = page_snapshot(SESSION, source_page, source_page.live_revision_id)
                unit.source_revision_id = source_page.live_revision_id
            if copy_page is None:
                # Not (or no longer) in the adaptation: offer it again only when the original
                # has changed it since the adapter last said no.
                if unit.upstream is not None and not same(unit.upstream, row.baseline):
                    unit.kind = "new_session"
                    unit.changes.append(session_added(unit, source_page))
            elif not row_source_live:
                # Only while the original itself is published: when the whole original is
                # gone there is nothing to follow, and unpublishing every session would be
                # the wrong advice.
                if source_live and not row.removal_seen:
                    unit.changes.append(
                        Change(unit=unit, key="session:-", kind=SESSION_REMOVED, label=unit.heading)
                    )
            else:
                mine = page_snapshot(SESSION, copy_page, copy_page.latest_revision_id)
                unit.mine = SESSION.translate(mine, self.copy_to_source)
                diff_unit(unit)
            self.units.append(unit)

        for page in new_sessions:
            unit = Unit(
                key=f"new-{page.pk}",
                kind="new_session",
                heading=session_heading(page, page.title),
                source=page,
                spec=SESSION,
                source_revision_id=page.live_revision_id,
                sort_key=(1, page.number, 10**9 + page.pk),
            )
            unit.changes.append(session_added(unit, page))
            self.units.append(unit)

        # Library items the adaptation has its own copies of.
        for row in snippet_rows:
            label = _label(row)
            spec = SNIPPET_SPECS.get(label)
            source_obj = self.snippet_objects.get((label, row.source_id))
            copy_obj = self.snippet_objects.get((label, row.copy_id))
            if spec is None or copy_obj is None:
                continue
            verbose = capfirst(spec.model._meta.verbose_name)
            unit = Unit(
                key=f"snippet-{row.pk}",
                kind="snippet",
                heading=f"{verbose}: {copy_obj}",
                record=row,
                spec=spec,
                base=row.baseline or empty_snapshot(),
                source=source_obj,
                copy=copy_obj,
                sort_key=(2, str(verbose), str(copy_obj), row.pk),
            )
            if source_obj is not None:
                unit.upstream = spec.from_instance(source_obj)
                unit.mine = spec.translate(spec.from_instance(copy_obj), self.copy_to_source)
                diff_unit(unit)
            self.units.append(unit)

        self.units.sort(key=lambda unit: unit.sort_key)

    # showing

    def references(self):
        wanted = set()
        for change in self.changes:
            wanted.update(_references(change))
        return wanted

    def describe(self, names):
        """Plain text of each version of each change, with library items named."""
        self.names = names
        for change in self.changes:
            _describe(change, names)


def _label(row):
    return f"{row.content_type.app_label}.{row.content_type.model}"


def session_heading(page, fallback):
    if page is None:
        return fallback
    return gettext("Session %(number)s: %(title)s") % {"number": page.number, "title": page.title}


def session_added(unit, page):
    return Change(
        unit=unit,
        key="session:+",
        kind=SESSION_ADDED,
        label=unit.heading,
        after_text=page.summary if page is not None else "",
    )


def _references(change):
    spec = change.unit.spec
    versions = (change.base, change.upstream, change.mine)
    if change.field_spec is not None:
        return [ref for value in versions for ref in change.field_spec.references_in(value)]
    if change.part is not None:
        target = change.part.target
        return [(target, value) for value in versions if target and isinstance(value, int)]
    found = []
    if change.stream:
        for block in versions:
            if not block:
                continue
            child = spec.child_block(change.stream, block["type"])
            if child is not None:
                for part in parts_of(child):
                    pk = part.value_of(block["value"]) if part.target else None
                    if isinstance(pk, int):
                        found.append((part.target, pk))
    return found


def _describe(change, names):
    spec = change.unit.spec
    if change.field_spec is not None:
        model = spec.model

        def text(value):
            return change.field_spec.describe(model, value, names)

    elif change.part is not None:

        def text(value):
            return change.part.describe(value, names)

    elif change.stream:

        def text(block):
            if not block:
                return ""
            child = spec.child_block(change.stream, block["type"])
            return describe_block(child, block["value"], names) if child is not None else ""

    else:
        return
    change.before_text = text(change.base)
    change.after_text = text(change.upstream)
    change.mine_text = text(change.mine)


def reviews_for(adaptations):
    """{adaptation id: Review} for ``adaptations`` (fetched with their programme and source),
    in a fixed number of queries however many adaptations, session plans and copies."""
    adaptations = list(adaptations)
    if not adaptations:
        return {}
    rows = list(
        AdaptedSession.objects.filter(adaptation__in=adaptations).select_related(
            "source_session", "copy_session"
        )
    )
    snippet_rows = list(
        AdaptedSnippet.objects.filter(adaptation__in=adaptations).select_related("content_type")
    )

    # Session plans the originals have and the adaptations do not know yet.
    sources = {a.source.path: a.source for a in adaptations if a.source and a.source.live}
    children = []
    if sources:
        near = Q()
        for path in sources:
            near |= Q(path__startswith=path)
        depth = {page.depth + 1 for page in sources.values()}
        children = list(
            SessionPlanPage.objects.live().filter(near, depth__in=depth).order_by("number", "path")
        )
    steplen = SessionPlanPage.steplen

    revision_ids = set()
    for adaptation in adaptations:
        revision_ids.add(adaptation.programme.latest_revision_id)
        if adaptation.source is not None and adaptation.source.live:
            revision_ids.add(adaptation.source.live_revision_id)
    for row in rows:
        if row.source_session is not None and row.source_session.live:
            revision_ids.add(row.source_session.live_revision_id)
        if row.copy_session is not None:
            revision_ids.add(row.copy_session.latest_revision_id)
    revision_ids.discard(None)
    contents = dict(Revision.objects.filter(pk__in=revision_ids).values_list("pk", "content"))

    snippet_objects = _load_snippets(snippet_rows)

    reviews = {}
    for adaptation in adaptations:
        review = Review(adaptation)
        review.snippet_objects = snippet_objects
        own_rows = [row for row in rows if row.adaptation_id == adaptation.pk]
        known = {row.source_session_id for row in own_rows}
        source = adaptation.source
        new_sessions = []
        if source is not None and source.live:
            new_sessions = [
                page
                for page in children
                if page.path[:-steplen] == source.path and page.pk not in known
            ]
        review.build(
            own_rows,
            [row for row in snippet_rows if row.adaptation_id == adaptation.pk],
            new_sessions,
            contents,
        )
        reviews[adaptation.pk] = review

    names = _names(
        set().union(*(review.references() for review in reviews.values())), snippet_objects
    )
    for review in reviews.values():
        review.describe(names)
    return reviews


def _load_snippets(snippet_rows):
    wanted = {}
    for row in snippet_rows:
        wanted.setdefault(_label(row), set()).update({row.source_id, row.copy_id})
    found = {}
    for label, ids in wanted.items():
        spec = SNIPPET_SPECS.get(label)
        if spec is None:
            continue
        queryset = spec.model.objects.filter(pk__in=ids)
        m2m = [f.attributes[0] for f in spec.fields if f.kind == M2M]
        if m2m:
            queryset = queryset.prefetch_related(*m2m)
        for obj in queryset:
            found[(label, obj.pk)] = obj
    return found


def _names(wanted, snippet_objects):
    """{(label, id): name} for every library item the changes mention, one query per kind."""
    by_label = {}
    for label, pk in wanted:
        by_label.setdefault(label, set()).add(pk)
    names = {}
    for label, ids in by_label.items():
        missing = set()
        for pk in ids:
            if (label, pk) in snippet_objects:
                names[(label, pk)] = str(snippet_objects[(label, pk)])
            else:
                missing.add(pk)
        if missing:
            for obj in apps.get_model(label).objects.filter(pk__in=missing):
                names[(label, obj.pk)] = str(obj)
    return names


def review_for(adaptation):
    """The changes waiting for one adaptation, read afresh (an adaptation object held for a
    while may know an older published version of the original)."""
    adaptation = Adaptation.objects.select_related("programme", "source").get(pk=adaptation.pk)
    return reviews_for([adaptation])[adaptation.pk]
