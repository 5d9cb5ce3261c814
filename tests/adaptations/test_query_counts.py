"""The page of changes reads a fixed number of queries however long the programme is."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.adaptations.conftest import publish, with_activity
from tests.factories import WorksheetFactory, activity, make_programme, make_session


def programme_with(sessions, title):
    programme = make_programme(title)
    for number in range(1, sessions + 1):
        worksheet = WorksheetFactory(title=f"{title} worksheet {number}")
        make_session(
            programme,
            number,
            activities=[
                activity(f"Activity {number}", minutes=30, worksheet=worksheet),
                {"type": "pause", "value": {"title": "Break", "minutes": 10}},
                activity(f"Round {number}", minutes=20),
            ],
        )
    programme.refresh_from_db()
    return programme


def queries_for_changes_page(client, editor, adapt, sessions):
    original = programme_with(sessions, f"Programme of {sessions}")
    adaptation = adapt(original, slug=f"adapted-{sessions}")
    for row in adaptation.sessions.select_related("source_session"):
        publish(
            row.source_session,
            summary="Changed",
            activities=with_activity(row.source_session, 0, procedure="<p>New</p>"),
        )
    client.force_login(editor)
    url = reverse("adaptations:changes", args=[adaptation.pk])
    client.get(url)  # warm the caches (content types, site)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["review"].pending_count == 2 * sessions
    return len(context.captured_queries)


def test_the_changes_page_reads_as_many_queries_for_8_sessions_as_for_2(client, editor, adapt):
    small = queries_for_changes_page(client, editor, adapt, 2)
    large = queries_for_changes_page(client, editor, adapt, 8)

    assert small == large
    assert large <= 25


def test_the_list_of_adaptations_reads_a_fixed_number_of_queries(client, editor, adapt):
    original = programme_with(3, "Listed")
    client.force_login(editor)
    url = reverse("adaptations:index")

    adapt(original, slug="one")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for slug in ("two", "three", "four"):
        adapt(original, slug=slug)
    with CaptureQueriesContext(connection) as four:
        client.get(url)

    assert len(one.captured_queries) == len(four.captured_queries)
