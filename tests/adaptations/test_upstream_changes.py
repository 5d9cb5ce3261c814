"""When the original is published again, the adapter sees what changed, per session plan and
activity, and takes or sets aside each change."""

from adaptations.changes import ADDED, PART, REMOVED, SESSION_ADDED, review_for
from adaptations.models import ChangeDecision
from adaptations.services import IGNORE, TAKE, changes_decide
from tests.adaptations.conftest import fresh, latest, publish, with_activity
from tests.factories import activity, make_session

NEW_PROCEDURE = "<p>Ask each person to write down, or say, who inspired them.</p>"


def session_row(adaptation, number):
    return adaptation.sessions.select_related("source_session", "copy_session").get(
        copy_session__number=number
    )


def decide(adaptation, changes, action, user=None):
    return changes_decide(
        adaptation=adaptation, decisions=[(change.ref, action) for change in changes], user=user
    )


def test_nothing_to_look_at_right_after_copying(original, adapt):
    assert review_for(adapt(original)).pending_count == 0


def test_publishing_the_original_shows_each_change_per_session_and_activity(original, adapt):
    adaptation = adapt(original)
    row = session_row(adaptation, 1)
    source = row.source_session

    publish(
        source,
        summary="Who peer supporters are.",
        activities=with_activity(source, 0, procedure=NEW_PROCEDURE, duration_max=40),
    )

    review = review_for(adaptation)
    found = {(change.unit.key, change.label): change for change in review.changes}
    assert set(found) == {
        (f"session-{row.pk}", "What this session is about"),
        (f"session-{row.pk}", "Activity 1: My role model · What to do"),
        (f"session-{row.pk}", "Activity 1: My role model · Minutes"),
    }
    procedure = found[(f"session-{row.pk}", "Activity 1: My role model · What to do")]
    assert procedure.kind == PART and not procedure.conflict
    assert procedure.before_text == "Ask each person to think of someone who inspired them."
    assert procedure.after_text == "Ask each person to write down, or say, who inspired them."
    assert '<span class="addition">' in procedure.original_diff
    minutes = found[(f"session-{row.pk}", "Activity 1: My role model · Minutes")]
    assert (minutes.before_text, minutes.after_text) == ("30 min", "30–40 min")


def test_an_unpublished_draft_of_the_original_is_not_a_change(original, adapt):
    adaptation = adapt(original)
    source = session_row(adaptation, 1).source_session
    page = fresh(source)
    page.summary = "Not yet published"
    page.save_revision()

    assert review_for(adaptation).pending_count == 0


def test_taking_a_change_puts_it_in_a_draft_of_the_adaptation(original, adapt, editor):
    adaptation = adapt(original, publish=True)
    row = session_row(adaptation, 1)
    publish(
        row.source_session, activities=with_activity(row.source_session, 0, procedure=NEW_PROCEDURE)
    )
    [change] = review_for(adaptation).changes

    outcome = decide(adaptation, [change], TAKE, user=editor)

    assert outcome.taken == 1
    mine = latest(row.copy_session)
    assert mine.activities.raw_data[0]["value"]["procedure"] == NEW_PROCEDURE
    # The copy keeps pointing at its own worksheet copy, and keeps its block id.
    assert mine.activities.raw_data[0]["id"] == change.block_id
    assert (
        mine.activities.raw_data[0]["value"]["worksheet"]
        != original.get_children().first().specific.activities.raw_data[0]["value"]["worksheet"]
    )
    # Not published: trainees still see the version the adapter published.
    row.copy_session.refresh_from_db()
    assert row.copy_session.has_unpublished_changes
    assert row.copy_session.activities.raw_data[0]["value"]["procedure"] != NEW_PROCEDURE
    assert review_for(adaptation).pending_count == 0
    row.refresh_from_db()
    assert row.last_synced_revision_id == row.source_session.live_revision_id
    decision = ChangeDecision.objects.get()
    assert decision.action == ChangeDecision.Action.TAKEN
    assert decision.decided_by == editor
    assert "What to do" in decision.where


def test_ignoring_hides_the_change_until_the_original_changes_it_again(original, adapt):
    adaptation = adapt(original)
    row = session_row(adaptation, 1)
    publish(row.source_session, summary="First rewording")
    [change] = review_for(adaptation).changes

    decide(adaptation, [change], IGNORE)

    assert review_for(adaptation).pending_count == 0
    assert latest(row.copy_session).summary == ""  # left as the adapter had it
    # Published again without touching the summary: still nothing to see.
    publish(row.source_session, title="What is peer support, really?")
    assert [c.label for c in review_for(adaptation).changes] == ["Title"]
    # The summary changes again: it is shown again.
    publish(row.source_session, summary="Second rewording")
    labels = [c.label for c in review_for(adaptation).changes]
    assert "What this session is about" in labels


def test_activities_added_and_removed_in_the_original(original, adapt):
    adaptation = adapt(original)
    row = session_row(adaptation, 1)
    source = fresh(row.source_session)
    raw = [dict(item) for item in source.activities.raw_data]
    removed_id = raw[2]["id"]
    new = activity("Quiet reflection", minutes=10, procedure="<p>Write for ten minutes.</p>")
    new["id"] = "new-activity-id"
    raw = [raw[0], new, raw[1]]  # a new activity after the first; Tomas's story removed
    publish(row.source_session, activities=raw)

    changes = {change.kind: change for change in review_for(adaptation).changes}
    assert set(changes) == {ADDED, REMOVED}
    assert changes[ADDED].label == "Activity 2: Quiet reflection"
    assert "Write for ten minutes." in changes[ADDED].after_text
    assert changes[REMOVED].block_id == removed_id

    decide(adaptation, list(changes.values()), TAKE)

    mine = latest(row.copy_session)
    titles = [b["value"]["title"] for b in mine.activities.raw_data]
    assert titles == ["My role model", "Quiet reflection", "Break"]
    assert review_for(adaptation).pending_count == 0


def test_a_new_session_plan_in_the_original_can_be_taken(original, adapt):
    adaptation = adapt(original)
    make_session(original, 3, title="Boundaries")

    [change] = review_for(adaptation).changes
    assert change.kind == SESSION_ADDED
    assert change.label == "Session 3: Boundaries"

    decide(adaptation, [change], TAKE)

    row = session_row(adaptation, 3)
    assert row.copy_session.title == "Boundaries"
    assert row.copy_session.get_parent().pk == adaptation.programme.pk
    assert not row.copy_session.live
    assert review_for(adaptation).pending_count == 0


def test_a_new_session_plan_can_be_ignored(original, adapt):
    adaptation = adapt(original)
    make_session(original, 3, title="Boundaries")
    [change] = review_for(adaptation).changes

    decide(adaptation, [change], IGNORE)

    assert review_for(adaptation).pending_count == 0
    assert adaptation.programme.get_children().count() == 2


def test_programme_fields_and_learning_outcomes(original, adapt):
    from curriculum.models import ProgrammeLearningOutcome

    adaptation = adapt(original)
    publish(
        original,
        description="<p>Now with a chapter on boundaries.</p>",
        learning_outcomes=[ProgrammeLearningOutcome(text="Explain peer support")],
    )

    changes = review_for(adaptation).changes
    assert sorted(c.label for c in changes) == ["About the programme", "Learning outcomes"]
    decide(adaptation, changes, TAKE)

    mine = latest(adaptation.programme)
    assert mine.description == "<p>Now with a chapter on boundaries.</p>"
    assert [o.text for o in mine.learning_outcomes.all()] == ["Explain peer support"]
    # The adapter's own fields are theirs: target group and title are not offered.
    assert mine.target_group == "Autistic adults"


def test_take_all_applies_every_change_that_does_not_conflict(original, adapt):
    adaptation = adapt(original)
    one, two = session_row(adaptation, 1), session_row(adaptation, 2)
    publish(one.source_session, summary="New one")
    publish(two.source_session, summary="New two", title="Our values")

    outcome = decide(adaptation, review_for(adaptation).changes, TAKE)

    assert outcome.taken == 3
    assert latest(one.copy_session).summary == "New one"
    assert (latest(two.copy_session).summary, latest(two.copy_session).title) == (
        "New two",
        "Our values",
    )


def test_a_decision_on_a_stale_page_is_refused(original, adapt):
    adaptation = adapt(original)
    row = session_row(adaptation, 1)
    publish(row.source_session, summary="First")
    [seen] = review_for(adaptation).changes
    publish(row.source_session, summary="Second, published while the adapter was reading")

    outcome = decide(adaptation, [seen], TAKE)

    assert (outcome.taken, outcome.stale) == (0, 1)
    assert latest(row.copy_session).summary == ""
    assert review_for(adaptation).changes[0].after_text == (
        "Second, published while the adapter was reading"
    )


def test_a_change_that_would_break_the_session_is_refused_and_nothing_is_lost(original, adapt):
    adaptation = adapt(original)
    row = session_row(adaptation, 1)
    # The original makes its first activity much longer; the adapter's session is 150 min.
    publish(
        row.source_session,
        planned_duration=240,
        activities=with_activity(row.source_session, 0, duration_min=160),
    )
    changes = review_for(adaptation).changes
    minutes = [c for c in changes if c.label.endswith("Minutes")]

    outcome = decide(adaptation, minutes, TAKE)

    assert outcome.taken == 0 and len(outcome.refused) == 1
    assert "Session 1" in outcome.refused[0] and "150" in outcome.refused[0]
    assert latest(row.copy_session).activities.raw_data[0]["value"]["duration_min"] == 30
    assert review_for(adaptation).pending_count == 2  # still offered
    # Taken together with the longer session, it fits.
    outcome = decide(adaptation, review_for(adaptation).changes, TAKE)
    assert outcome.taken == 2 and not outcome.refused


def test_a_session_the_original_dropped_is_unpublished_only_when_taken(original, adapt):
    from adaptations.changes import SESSION_REMOVED

    adaptation = adapt(original, publish=True)
    row = session_row(adaptation, 2)
    row.source_session.unpublish()

    [change] = review_for(adaptation).changes
    assert change.kind == SESSION_REMOVED
    assert change.label == "Session 2: Values"

    decide(adaptation, [change], TAKE)

    row.copy_session.refresh_from_db()
    assert not row.copy_session.live
    assert review_for(adaptation).pending_count == 0


def test_a_dropped_session_can_be_kept(original, adapt):
    adaptation = adapt(original, publish=True)
    row = session_row(adaptation, 2)
    row.source_session.delete()
    [change] = review_for(adaptation).changes

    decide(adaptation, [change], IGNORE)

    row.copy_session.refresh_from_db()
    assert row.copy_session.live
    assert review_for(adaptation).pending_count == 0


def test_when_the_whole_original_is_gone_nothing_is_offered(original, adapt):
    adaptation = adapt(original, publish=True)
    title = original.title
    original.delete()

    review = review_for(adaptation)

    assert review.original_missing and review.pending_count == 0
    adaptation.refresh_from_db()
    assert adaptation.source is None and adaptation.source_title == title
    assert all(row.copy_session.live for row in adaptation.sessions.all())
