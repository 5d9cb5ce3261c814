"""When the adapter changed the same text as the original, taking the original's change must
never silently replace the adapter's words."""

from adaptations.changes import REMOVED_HERE, review_for
from adaptations.models import ChangeDecision
from adaptations.services import IGNORE, KEEP_MINE, TAKE, USE_ORIGINAL, changes_decide
from tests.adaptations.conftest import edit_draft, fresh, latest, publish, with_activity

THEIRS = "<p>Ask each person to write down, or say, who inspired them.</p>"
MINE = "<p>Show three picture cards. Each person picks one and says why, or points.</p>"


def decide(adaptation, change, action):
    return changes_decide(adaptation=adaptation, decisions=[(change.ref, action)])


def both_changed(original, adapt):
    """The adapter rewrote the first activity's procedure; then the original did too."""
    adaptation = adapt(original, publish=True)
    row = adaptation.sessions.select_related("source_session", "copy_session").get(
        copy_session__number=1
    )
    edit_draft(row.copy_session, activities=with_activity(row.copy_session, 0, procedure=MINE))
    publish(row.source_session, activities=with_activity(row.source_session, 0, procedure=THEIRS))
    return adaptation, row


def test_a_local_edit_of_the_same_text_is_shown_as_a_conflict_with_both_versions(original, adapt):
    adaptation, _row = both_changed(original, adapt)

    [change] = review_for(adaptation).changes

    assert change.conflict
    assert change.label == "Activity 1: My role model · What to do"
    assert (
        change.mine_text
        == "Show three picture cards. Each person picks one and says why, or points."
    )
    assert change.after_text == "Ask each person to write down, or say, who inspired them."
    assert change.before_text == "Ask each person to think of someone who inspired them."


def test_take_all_does_not_overwrite_the_local_edit(original, adapt):
    adaptation, row = both_changed(original, adapt)
    [change] = review_for(adaptation).changes

    outcome = decide(adaptation, change, TAKE)

    assert (outcome.taken, outcome.conflicts_left) == (0, 1)
    assert latest(row.copy_session).activities.raw_data[0]["value"]["procedure"] == MINE
    assert review_for(adaptation).changes[0].conflict  # still waiting for a choice


def test_keep_mine_keeps_the_local_text_and_stops_asking(original, adapt):
    adaptation, row = both_changed(original, adapt)
    [change] = review_for(adaptation).changes

    decide(adaptation, change, KEEP_MINE)

    assert latest(row.copy_session).activities.raw_data[0]["value"]["procedure"] == MINE
    assert review_for(adaptation).pending_count == 0
    assert ChangeDecision.objects.get().action == ChangeDecision.Action.KEPT_MINE
    # A later change of the original to the same text is a conflict again: the adapter's
    # version still differs from it.
    publish(
        row.source_session,
        activities=with_activity(row.source_session, 0, procedure="<p>Third</p>"),
    )
    [again] = review_for(adaptation).changes
    assert again.conflict and again.mine_text.startswith("Show three picture cards")


def test_use_the_originals_replaces_it_and_the_local_text_is_kept_in_the_record(original, adapt):
    adaptation, row = both_changed(original, adapt)
    [change] = review_for(adaptation).changes

    decide(adaptation, change, USE_ORIGINAL)

    assert latest(row.copy_session).activities.raw_data[0]["value"]["procedure"] == THEIRS
    decision = ChangeDecision.objects.get()
    assert decision.action == ChangeDecision.Action.USED_ORIGINAL
    assert decision.your_value == MINE
    # And in the page history: the adapter's draft is a revision of its own.
    contents = [r.content["activities"] for r in row.copy_session.revisions.all()]
    assert any("Show three picture cards" in c for c in contents)


def test_ignore_on_a_conflict_keeps_mine_too(original, adapt):
    adaptation, row = both_changed(original, adapt)
    [change] = review_for(adaptation).changes

    decide(adaptation, change, IGNORE)

    assert latest(row.copy_session).activities.raw_data[0]["value"]["procedure"] == MINE


def test_edits_to_other_fields_of_the_same_activity_do_not_conflict(original, adapt):
    adaptation = adapt(original)
    row = adaptation.sessions.select_related("source_session", "copy_session").get(
        copy_session__number=1
    )
    notes = "<p>Offer picture cards.</p>"
    edit_draft(
        row.copy_session, activities=with_activity(row.copy_session, 0, adaptation_notes=notes)
    )
    publish(row.source_session, activities=with_activity(row.source_session, 0, procedure=THEIRS))
    [change] = review_for(adaptation).changes
    assert not change.conflict

    decide(adaptation, change, TAKE)

    value = latest(row.copy_session).activities.raw_data[0]["value"]
    assert (value["procedure"], value["adaptation_notes"]) == (THEIRS, notes)


def test_an_activity_the_adapter_removed_and_the_original_changed(original, adapt):
    adaptation = adapt(original)
    row = adaptation.sessions.select_related("source_session", "copy_session").get(
        copy_session__number=1
    )
    mine = [dict(b) for b in fresh(row.copy_session).activities.raw_data]
    edit_draft(row.copy_session, activities=[mine[0], mine[1]])  # Tomas's story taken out
    publish(row.source_session, activities=with_activity(row.source_session, 2, duration_min=45))
    publish(row.source_session, activities=with_activity(row.source_session, 2, title="Tomas"))

    [change] = review_for(adaptation).changes
    assert change.kind == REMOVED_HERE and change.conflict

    decide(adaptation, change, KEEP_MINE)
    assert len(latest(row.copy_session).activities.raw_data) == 2
    assert review_for(adaptation).pending_count == 0
