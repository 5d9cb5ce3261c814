"""Reads of the curriculum that several pages share, each in a fixed number of queries."""

from lms.page_translations import in_library

from .models import ProgrammePage, SessionPlanPage


def programmes_with_sessions():
    """Published programmes, each with ``session_list``: its published session plans in
    teaching order. Two queries however many programmes and sessions there are."""
    # Translations live in other locales' trees: they are not more programmes.
    programmes = list(in_library(ProgrammePage.objects.live()).order_by("title"))
    by_path = {programme.path: programme for programme in programmes}
    for programme in programmes:
        programme.session_list = []
    sessions = in_library(SessionPlanPage.objects.live()).order_by("number", "path")
    for session in sessions:
        parent = by_path.get(session.path[: -SessionPlanPage.steplen])
        if parent is not None:
            parent.session_list.append(session)
    for programme in programmes:
        programme.total_minutes = sum(s.planned_duration for s in programme.session_list)
        programme.total_hours = round(programme.total_minutes / 60, 1)
    return programmes


def activity_references(session, field):
    """The ids a session plan's activities point at through ``field`` ("worksheet", "quiz"
    or "h5p"), in running order. Reads the stored stream, so no query per activity."""
    for item in session.activities.raw_data:
        value = item.get("value") or {}
        if item.get("type") != "activity" or not value.get(field):
            continue
        try:
            yield int(value[field])
        except (TypeError, ValueError):
            continue  # a damaged reference is skipped, as a missing snippet would be


def programme_uses(programme, field, model):
    """What a programme's published sessions use through ``field``, as ``(session, object)``
    in teaching order, each object once (with the first session that uses it). Two queries
    however long the programme is; references to deleted objects are left out."""
    sessions = SessionPlanPage.objects.child_of(programme).live().order_by("number", "path")
    wanted = [(session, pk) for session in sessions for pk in activity_references(session, field)]
    found = model.objects.in_bulk({pk for _session, pk in wanted})
    seen, result = set(), []
    for session, pk in wanted:
        if pk in found and pk not in seen:
            seen.add(pk)
            result.append((session, found[pk]))
    return result
