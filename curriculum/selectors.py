"""Reads of the curriculum that several pages share, each in a fixed number of queries."""

from .models import ProgrammePage, SessionPlanPage


def programmes_with_sessions():
    """Published programmes, each with ``session_list``: its published session plans in
    teaching order. Two queries however many programmes and sessions there are."""
    programmes = list(ProgrammePage.objects.live().order_by("title"))
    by_path = {programme.path: programme for programme in programmes}
    for programme in programmes:
        programme.session_list = []
    sessions = SessionPlanPage.objects.live().order_by("number", "path")
    for session in sessions:
        parent = by_path.get(session.path[: -SessionPlanPage.steplen])
        if parent is not None:
            parent.session_list.append(session)
    for programme in programmes:
        programme.total_minutes = sum(s.planned_duration for s in programme.session_list)
        programme.total_hours = round(programme.total_minutes / 60, 1)
    return programmes
