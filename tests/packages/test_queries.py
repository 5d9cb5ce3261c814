"""Exporting and importing work per kind of thing, not per thing.

Export: the pages, their drafts, their attachments and each kind of library item are read in
a fixed number of queries, however many worksheets the programme uses. Import: library items
are inserted one kind at a time; what still grows is Wagtail's own bookkeeping per item that
points at others ("where is this used", two or three queries each) and per page (tree,
revision, publishing), which this test bounds.
"""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from packages.exporting import programme_export
from packages.importing import package_import
from tests.factories import WorksheetFactory, activity, make_programme, make_session

pytestmark = pytest.mark.django_db


def programme_with(worksheets, title):
    programme = make_programme(title)
    sheets = [
        WorksheetFactory(
            parts=[{"type": "reflection", "value": {"prompt": "Why?", "visibility": "private"}}]
        )
        for _ in range(worksheets)
    ]
    for number in (1, 2):
        make_session(
            programme,
            number=number,
            activities=[
                activity(f"Part {n}", minutes=5, worksheet=s) for n, s in enumerate(sheets)
            ],
        )
    return programme


def counted(function):
    with CaptureQueriesContext(connection) as queries:
        result = function()
    return result, len(queries)


def test_export_queries_do_not_grow_with_the_library(db):
    small, large = programme_with(2, "Small"), programme_with(12, "Large")
    _result, few = counted(lambda: programme_export(programme=small))
    _result, many = counted(lambda: programme_export(programme=large))
    assert few == many
    assert many <= 30


def test_import_queries_grow_only_with_wagtails_bookkeeping(db, capsys):
    small = programme_export(programme=programme_with(2, "Small")).data
    large = programme_export(programme=programme_with(12, "Large")).data
    _result, few = counted(lambda: package_import(source=small, publish=True))
    _result, many = counted(lambda: package_import(source=large, publish=True))
    with capsys.disabled():
        print(f"\nimport with 2 worksheets: {few} queries; with 12: {many}")
    assert many - few <= 10 * 2, (few, many)


def test_timings_of_the_demo_programme(demo_programme, capsys):
    started = time.perf_counter()
    package, export_queries = counted(lambda: programme_export(programme=demo_programme))
    export_seconds = time.perf_counter() - started
    started = time.perf_counter()
    _result, import_queries = counted(lambda: package_import(source=package.data, publish=True))
    import_seconds = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\ndemo programme: export {export_seconds:.2f} s, {export_queries} queries, "
            f"{len(package.data) / 1024:.0f} KB; import {import_seconds:.2f} s, "
            f"{import_queries} queries"
        )
    assert export_queries <= 40
    assert import_queries <= 800
    assert export_seconds < 5 and import_seconds < 20


def test_the_import_preview_reads_as_many_queries_for_12_worksheets_as_for_2(
    as_user, editor, django_assert_max_num_queries
):
    """The preview checks the whole package against the library (what it would create and
    what it matches) before anything is written; that must not cost a query per item."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = as_user(editor)
    previews = []
    for worksheets, title in ((2, "Small"), (12, "Large")):
        data = programme_export(programme=programme_with(worksheets, title)).data
        upload = SimpleUploadedFile("p.curriculum.zip", data, content_type="application/zip")
        response = client.post(reverse("packages:upload"), {"package": upload})
        assert response.status_code == 302, response.content.decode()[:500]
        previews.append(response["Location"])

    counts = []
    for url, worksheets in zip(previews, (2, 12), strict=True):
        with django_assert_max_num_queries(40) as queries:
            response = client.get(url)
        assert response.status_code == 200
        # The preview lists every worksheet the package brings.
        page = response.content.decode()
        assert page.count("Worksheet ") >= worksheets
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
