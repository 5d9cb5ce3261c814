"""Operations on adaptations: making one, and taking or setting aside the original's changes.

Taken changes go into a new *draft* revision of the adapted page, never straight to what
trainees see: a cohort may be half-way through the programme, and the adapter reads the
result (and fixes the timing, say) before publishing it with Wagtail's own Publish button.
"""

import copy
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from curriculum.models import ProgrammePage, SessionPlanPage

from .changes import (
    ADDED,
    FIELD,
    PART,
    REMOVED,
    REMOVED_HERE,
    REPLACED,
    SESSION_ADDED,
    SESSION_REMOVED,
    pair_blocks,
    review_for,
)
from .copying import SnippetCopier, live_content, programme_extras_copy, session_copy
from .models import Adaptation, AdaptedSession, ChangeDecision
from .snapshots import PROGRAMME, SESSION, empty_snapshot

TAKE, IGNORE, KEEP_MINE, USE_ORIGINAL = "take", "ignore", "mine", "original"
ACTIONS = (TAKE, IGNORE, KEEP_MINE, USE_ORIGINAL)
WRITES = (TAKE, USE_ORIGINAL)
LOGGED_AS = {
    TAKE: ChangeDecision.Action.TAKEN,
    IGNORE: ChangeDecision.Action.IGNORED,
    KEEP_MINE: ChangeDecision.Action.KEPT_MINE,
    USE_ORIGINAL: ChangeDecision.Action.USED_ORIGINAL,
}


class AdaptationError(Exception):
    """Something the adapter can put right, in words they can act on."""


# --- making an adaptation ----------------------------------------------------------------------


@transaction.atomic
def adaptation_create(
    *,
    source: ProgrammePage,
    title: str,
    slug: str,
    target_group: str,
    organisation,
    user=None,
    publish: bool = False,
    profile=None,
) -> Adaptation:
    """Copy ``source`` with its published session plans, worksheets, case scenarios, quizzes,
    self-assessments, values, completion rule and evaluation questionnaires, and record where
    each copy came from and which published version it was.

    The copy is a draft unless ``publish``: an adaptation is work in progress, and trainers
    can only pick a published programme for a cohort.
    """
    # Read again: the caller's object may hold unsaved or draft values, and the copy must be
    # of the published version.
    source = ProgrammePage.objects.get(pk=source.pk)
    if not source.live or source.live_revision_id is None:
        raise AdaptationError(
            _("“%(title)s” is not published. Only a published programme can be adapted.")
            % {"title": source.title}
        )
    parent = source.get_parent()
    if not ProgrammePage._slug_is_available(slug, parent):
        raise AdaptationError(
            _("The address “%(slug)s” is taken. Choose another short name.") % {"slug": slug}
        )
    sessions = list(SessionPlanPage.objects.child_of(source).live().order_by("number", "path"))
    copier = SnippetCopier()
    new_programme = source.copy(
        to=parent,
        update_attrs={
            "title": title,
            "draft_title": title,
            "slug": slug,
            "target_group": target_group,
        },
        copy_revisions=False,
        keep_live=publish,
        user=user,
    )
    content = live_content(source)
    adaptation = Adaptation.objects.create(
        programme=new_programme,
        source=source,
        source_title=source.title[:255],
        source_revision_id=source.live_revision_id,
        last_synced_revision_id=source.live_revision_id,
        baseline=PROGRAMME.from_content(content) if content else PROGRAMME.from_instance(source),
        target_group=target_group,
        organisation=organisation,
        created_by=user,
        **({"profile": profile} if profile is not None else {}),
    )
    copier.attach(adaptation)
    for session in sessions:
        session_copy(
            adaptation=adaptation,
            source_session=session,
            to=new_programme,
            copier=copier,
            user=user,
            publish=publish,
        )
    programme_extras_copy(
        source=source, new_programme=new_programme, organisation=organisation, copier=copier
    )
    return adaptation


# --- deciding on changes -----------------------------------------------------------------------


@dataclass
class Outcome:
    """What came of a set of decisions, for the message the adapter reads next."""

    taken: int = 0
    ignored: int = 0
    stale: int = 0
    conflicts_left: int = 0
    refused: list = field(default_factory=list)
    drafts: list = field(default_factory=list)  # pages that got a new draft


def parse_ref(ref):
    parts = (ref or "").split("|")
    if len(parts) != 3:
        return None
    return parts


@transaction.atomic
def changes_decide(*, adaptation: Adaptation, decisions, user=None) -> Outcome:
    """Apply ``decisions``: a list of ``(ref, action)`` where ``ref`` is what the page of
    changes showed (``Change.ref``) and ``action`` one of take, ignore, mine, original.

    A change that is no longer what the adapter saw (the original, or their own version,
    changed meanwhile) is left alone and counted as stale. A conflict is only settled by an
    explicit "mine" or "original": "take" (as sent by "Take all that do not conflict") skips
    it, so a local edit is never replaced without the adapter choosing so.
    """
    # One adapter at a time per adaptation: two tabs taking changes would otherwise both
    # write a draft from the same starting point.
    adaptation = (
        Adaptation.objects.select_for_update(of=("self",))
        .select_related("programme", "source")
        .get(pk=adaptation.pk)
    )
    review = review_for(adaptation)
    outcome = Outcome()
    by_unit = {}
    for ref, action in decisions:
        parsed = parse_ref(ref)
        if parsed is None or action not in ACTIONS:
            outcome.stale += 1
            continue
        unit_key, key, token = parsed
        change = review.find(unit_key, key)
        if change is None or change.token != token:
            outcome.stale += 1
            continue
        if change.conflict and action == TAKE:
            outcome.conflicts_left += 1
            continue
        chosen = by_unit.setdefault(change.unit.key, (change.unit, {}))[1]
        chosen[change.key] = (change, action)
    copier = SnippetCopier(adaptation)
    for unit, chosen in by_unit.values():
        items = list(chosen.values())
        try:
            with transaction.atomic():
                _apply_unit(adaptation, unit, items, copier, user, outcome)
        except ValidationError as error:
            outcome.refused.append(_refusal(unit, error))
            continue
        writes = sum(1 for _change, action in items if action in WRITES)
        outcome.taken += writes
        outcome.ignored += len(items) - writes
        ChangeDecision.objects.bulk_create(
            [
                ChangeDecision(
                    adaptation=adaptation,
                    where=f"{unit.heading} · {change.label}"[:500],
                    key=f"{unit.key}|{change.key}"[:300],
                    action=LOGGED_AS[action],
                    original_value=change.upstream,
                    your_value=change.mine,
                    decided_by=user,
                )
                for change, action in items
            ]
        )
    return outcome


def _refusal(unit, error):
    messages = []
    if hasattr(error, "message_dict"):
        for errors in error.message_dict.values():
            messages += errors
    else:
        messages = list(error.messages)
    return _("%(where)s was left as it is: %(why)s") % {
        "where": unit.heading,
        "why": " ".join(messages),
    }


def _apply_unit(adaptation, unit, items, copier, user, outcome):
    if unit.kind in ("programme", "session"):
        if items[0][0].kind == SESSION_REMOVED:
            _apply_session_removed(unit, items[0][1], user)
            return
        _apply_page(unit, items, copier, user, outcome)
    elif unit.kind == "new_session":
        _apply_session_added(adaptation, unit, items[0][1], copier, user, outcome)
    elif unit.kind == "snippet":
        _apply_snippet(unit, items, copier)


def _apply_page(unit, items, copier, user, outcome):
    writes = [change for change, action in items if action in WRITES]
    record = unit.record
    if writes:
        page = unit.copy.get_latest_revision_as_object()
        for change in writes:
            _write(page, change, copier)
        # Validated like a save in the editor; a draft, published when the adapter chooses.
        page.save_revision(user=user, log_action=True)
        outcome.drafts.append(unit.copy)
    baseline = copy.deepcopy(record.baseline) or empty_snapshot()
    for change, _action in items:
        _move_baseline(baseline, change)
    record.baseline = baseline
    if len(items) == len(unit.changes):
        record.last_synced_revision_id = unit.source_revision_id
    record.save(update_fields=["baseline", "last_synced_revision"])


def _apply_snippet(unit, items, copier):
    writes = [change for change, action in items if action in WRITES]
    record = unit.record
    if writes:
        obj = type(unit.copy).objects.get(pk=unit.copy.pk)
        for change in writes:
            _write(obj, change, copier)
        obj.full_clean()
        obj.save()
    baseline = copy.deepcopy(record.baseline) or empty_snapshot()
    for change, _action in items:
        _move_baseline(baseline, change)
    record.baseline = baseline
    record.save(update_fields=["baseline"])


def _apply_session_removed(unit, action, user):
    row = unit.record
    if action in WRITES and unit.copy is not None and unit.copy.live:
        # Unpublished rather than deleted: the adapter can publish it again.
        unit.copy.unpublish(user=user)
    row.removal_seen = True
    row.save(update_fields=["removal_seen"])


def _apply_session_added(adaptation, unit, action, copier, user, outcome):
    source_page = unit.source
    row = unit.record
    if action in WRITES:
        row = session_copy(
            row=row,
            adaptation=adaptation,
            source_session=source_page,
            to=adaptation.programme,
            copier=copier,
            user=user,
            publish=False,
        )
        outcome.drafts.append(row.copy_session)
        return
    content = live_content(source_page)
    row = row or AdaptedSession(adaptation=adaptation, source_session=source_page)
    row.source_title = source_page.title[:255]
    row.baseline = SESSION.from_content(content) if content else SESSION.from_instance(source_page)
    row.last_synced_revision_id = source_page.live_revision_id
    row.save()


# --- one change onto the adapter's version -----------------------------------------------------


def _write(obj, change, copier):
    if change.kind == FIELD:
        change.field_spec.write(obj, change.upstream)
        return
    stream_name = change.stream
    spec = change.unit.spec
    raw = copy.deepcopy(list(getattr(obj, stream_name).raw_data))
    ids = [item.get("id") for item in raw]
    if change.kind == PART:
        position = ids.index(change.block_id)
        value = copier.translate_part(change.part, copy.deepcopy(change.upstream))
        raw[position]["value"] = change.part.write(raw[position]["value"], value)
    elif change.kind == REMOVED:
        raw.pop(ids.index(change.block_id))
    elif change.kind in (ADDED, REMOVED_HERE, REPLACED):
        block = change.upstream
        child = spec.child_block(stream_name, block["type"])
        new_id = change.block_id or change.upstream_block_id
        item = {
            "type": block["type"],
            "value": copier.translate_value(child, block["value"])
            if isinstance(block["value"], dict)
            else copy.deepcopy(block["value"]),
            "id": new_id,
        }
        if change.kind == REPLACED:
            raw[ids.index(change.block_id)] = item
        else:
            raw.insert(_insert_position(change, ids), item)
    setattr(obj, stream_name, raw)


def _insert_position(change, mine_ids):
    """Where a block the original has (and the adapter has not) goes in the adapter's list:
    after the nearest block before it in the original that the adapter also has."""
    unit, stream_name = change.unit, change.stream
    base = unit.base["streams"].get(stream_name) or {"order": [], "blocks": {}}
    upstream = unit.upstream["streams"][stream_name]
    mine_for_upstream = {uid: bid for bid, uid in pair_blocks(base, upstream).items()}
    order = upstream["order"]
    position = order.index(change.upstream_block_id)
    for uid in reversed(order[:position]):
        mine_id = mine_for_upstream.get(uid, uid)
        if mine_id in mine_ids:
            return mine_ids.index(mine_id) + 1
    return 0


def _move_baseline(baseline, change):
    """Record in the baseline that the adapter has seen the original's version of this item,
    whether they took it or not: it is not shown again until the original changes it again."""
    if change.kind == FIELD:
        baseline["fields"][change.field_spec.name] = copy.deepcopy(change.upstream)
        return
    if change.kind in (SESSION_ADDED, SESSION_REMOVED):
        return
    stream = baseline["streams"].setdefault(change.stream, {"order": [], "blocks": {}})
    if change.kind == PART:
        block = stream["blocks"][change.block_id]
        block["value"] = change.part.write(block["value"], change.upstream)
    elif change.kind == REMOVED:
        stream["blocks"].pop(change.block_id, None)
        if change.block_id in stream["order"]:
            stream["order"].remove(change.block_id)
    elif change.kind == ADDED:
        stream["blocks"][change.upstream_block_id] = copy.deepcopy(change.upstream)
        stream["order"].append(change.upstream_block_id)
    elif change.kind in (REMOVED_HERE, REPLACED):
        stream["blocks"][change.block_id] = copy.deepcopy(change.upstream)
