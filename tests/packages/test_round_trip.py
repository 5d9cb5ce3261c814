"""A package round trip reproduces the programme exactly.

Importing into the same database stands in for another installation: every row gets a new
id, so a reference that was not rewritten would still point at the original and show up
below, and the normalised dump (``normalise.py``) compares content, never ids.
"""

import io
import json
import re
import zipfile

import pytest
from wagtail.models import Page

from assessments.h5p_package import content_dir
from assessments.models import H5PActivity
from curriculum.models import ProgrammePage, SessionPlanPage
from packages.exporting import programme_export
from packages.importing import package_import
from tests.factories import activity, make_programme, make_session
from worksheets.models import Worksheet

from .normalise import normalised

pytestmark = pytest.mark.django_db


def round_trip(programme, **options):
    package = programme_export(programme=programme)
    result = package_import(source=package.data, publish=True, **options)
    return package, result


def test_the_demo_programme_comes_back_exactly(demo_programme):
    before = normalised(demo_programme)
    _package, result = round_trip(demo_programme)
    copy = result.programme

    assert copy.pk != demo_programme.pk
    assert copy.slug == "peer-support-agent-1"
    assert copy.get_parent().pk == demo_programme.get_parent().pk
    assert normalised(copy) == before
    # The dump holds the content that matters, so the comparison above means something.
    text = json.dumps(before)
    for expected in (
        "Peer support or not?",  # a worksheet, with its classification parts
        "The story of Tomas",  # the case scenario, with its content notes
        "Prison",
        "Keeping things private: a short quiz",
        "Check yourself: what peer support is",  # the H5P activity
        "Explain what peer support is",  # a programme learning outcome
    ):
        assert expected in text
    assert [name for name, *_rest in before["values"]] == [
        "Hope",
        "Experience",
        "Equity",
        "Mutuality",
        "Empowerment",
        "Acceptance",
        "Empathy",
    ]


def test_the_copy_uses_its_own_library_items_and_files(demo_programme):
    _package, result = round_trip(demo_programme)
    sessions = {page.number: page for page in SessionPlanPage.objects.child_of(demo_programme)}
    copies = {page.number: page for page in SessionPlanPage.objects.child_of(result.programme)}

    def used(session, field):
        return {
            item["value"][field]
            for item in session.activities.raw_data
            if item["type"] == "activity" and item["value"].get(field)
        }

    for number, session in sessions.items():
        for field in ("worksheet", "case_scenario", "quiz", "h5p"):
            original, copied = used(session, field), used(copies[number], field)
            assert len(original) == len(copied)
            assert not original & copied, f"session {number} still uses the original {field}"
    ((old_key, new_key),) = result.ids["assessments.h5pactivity"].items()
    new_h5p, old_h5p = H5PActivity.objects.get(pk=new_key), H5PActivity.objects.get(pk=old_key)
    assert new_h5p.folder != old_h5p.folder
    assert (content_dir(new_h5p) / "h5p.json").exists()
    assert new_h5p.sha256 == old_h5p.sha256


def test_a_changed_copy_is_noticed(demo_programme):
    """The comparison can fail: who sees the answers to one worksheet part of the copy."""
    _package, result = round_trip(demo_programme)
    copies = Worksheet.objects.filter(pk__in=result.ids["worksheets.worksheet"].values())
    worksheet = next(w for w in copies.order_by("pk") if len(w.parts.raw_data))
    raw = json.loads(json.dumps(list(worksheet.parts.raw_data)))
    value = raw[0]["value"]
    value["visibility"] = "group" if value.get("visibility") != "group" else "private"
    worksheet.parts = raw
    worksheet.save()
    assert normalised(result.programme) != normalised(demo_programme)


def test_pictures_documents_and_links_come_back_exactly(linked_programme, picture, handout):
    before = normalised(linked_programme)
    _package, result = round_trip(linked_programme)
    copy = result.programme
    assert normalised(copy) == before

    # Links between the programme's pages point at the copy's pages, not the original's.
    second = SessionPlanPage.objects.child_of(copy).get(number=2)
    first = SessionPlanPage.objects.child_of(copy).get(number=1)
    assert f'linktype="page" id="{second.pk}"' in copy.description
    assert f'linktype="page" id="{second.pk}"' in first.closure
    # The case scenario (imported before the pages existed) links to the copy too.
    scenario_id = next(
        item["value"]["case_scenario"]
        for item in first.activities.raw_data
        if item["type"] == "activity"
    )
    from curriculum.models import CaseScenario

    assert f'id="{copy.pk}"' in CaseScenario.objects.get(pk=scenario_id).narrative
    # The picture and the handout are new files with the same bytes.
    image_id = result.ids[type(picture)._meta.label_lower][str(picture.pk)]
    document_id = result.ids[type(handout)._meta.label_lower][str(handout.pk)]
    assert image_id != picture.pk and document_id != handout.pk
    new_picture = type(picture).objects.get(pk=image_id)
    assert new_picture.file.name != picture.file.name
    assert (new_picture.width, new_picture.height) == (picture.width, picture.height)
    assert new_picture.description == picture.description
    assert f'embedtype="image" id="{image_id}"' in first.introduction
    # A value described differently in the package than here keeps the package's words.
    assert [(v.name, words) for v, words in copy.peer_support_values()] == [
        ("Mutuality", "What Mutuality means."),
        ("Hope", "Our words"),
    ]


def test_a_link_to_a_page_outside_the_programme_becomes_a_web_link(linked_programme):
    outside = make_programme("Another programme")
    session = SessionPlanPage.objects.child_of(linked_programme).get(number=2)
    session.closure = f'<p>See <a linktype="page" id="{outside.pk}">the other one</a>.</p>'
    session.save_revision().publish()

    package, result = round_trip(linked_programme)

    copy = SessionPlanPage.objects.child_of(result.programme).get(number=2)
    assert f'<a href="{outside.full_url}">the other one</a>' in copy.closure
    assert any("web link" in note for note in package.notes)
    assert any("web link" in note for note in result.plan.notes)


def test_drafts_are_exported_as_the_editor_last_saved_them(linked_programme):
    session = SessionPlanPage.objects.child_of(linked_programme).get(number=2)
    session.title = "What Sam needs (new draft)"
    session.save_revision()  # not published

    _package, result = round_trip(linked_programme)

    titles = SessionPlanPage.objects.child_of(result.programme).values_list("title", flat=True)
    assert "What Sam needs (new draft)" in titles


def test_an_import_is_a_draft_unless_asked_to_publish(linked_programme):
    package = programme_export(programme=linked_programme)
    result = package_import(source=package.data)
    assert not result.programme.live
    assert result.programme.has_unpublished_changes
    pages = SessionPlanPage.objects.child_of(result.programme)
    assert pages.count() == 2 and not pages.filter(live=True).exists()
    assert all(page.latest_revision_id for page in pages)
    # Published later, the draft content is all there.
    for page in [result.programme, *pages]:
        page.get_latest_revision().publish()
    copy = ProgrammePage.objects.get(pk=result.programme.pk)
    assert normalised(copy) == normalised(linked_programme)


def test_a_programme_without_chosen_values_keeps_the_list_it_showed(library):
    from curriculum.models import PeerSupportValue

    for position, name in enumerate(["Hope", "Equity"]):
        PeerSupportValue.objects.create(name=name, description=name.lower(), sort_order=position)
    programme = make_programme("Values from the library")
    make_session(programme, activities=[activity("Talk")])
    _package, result = round_trip(programme)
    assert [v.name for v, _w in result.programme.peer_support_values()] == ["Hope", "Equity"]


# --- export, import, export again ------------------------------------------------------------

CHOOSERS = {
    "worksheet": "worksheets.worksheet",
    "case_scenario": "curriculum.casescenario",
    "quiz": "assessments.quiz",
    "h5p": "assessments.h5pactivity",
}
RICH_TEXT_REFS = re.compile(r'(linktype="(page|document)"|embedtype="(image)")([^>]*?)id="(\d+)"')


def members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def back_to_source_keys(data, ids):
    """The package ``data`` with every id replaced by the key it had in the first package,
    through the import's id map; child row keys other than outcomes are positional."""
    back = {
        label: {str(new): old for old, new in mapping.items()} for label, mapping in ids.items()
    }

    def key(label, value):
        if value is None:
            return None
        old = back[label].get(str(value), f"unmapped {label} {value}")
        return int(old) if isinstance(value, int) and old.isdigit() else old

    def text(value):
        if not isinstance(value, str):
            return value

        def replace(match):
            label = {
                "page": "wagtailcore.page",
                "document": "wagtaildocs.document",
                "image": "wagtailimages.image",
            }[match.group(2) or match.group(3)]
            return f'{match.group(1)}{match.group(4)}id="{key(label, match.group(5))}"'

        return RICH_TEXT_REFS.sub(replace, value)

    def walk(value):
        if isinstance(value, dict):
            result = {}
            for name, item in value.items():
                if name in CHOOSERS and isinstance(item, int):
                    result[name] = key(CHOOSERS[name], item)
                else:
                    result[name] = walk(item)
            return result
        if isinstance(value, list):
            return [walk(item) for item in value]
        return text(value)

    contents = members(data)
    manifest = json.loads(contents.pop("manifest.json"))
    programme = json.loads(contents.pop("programme.json"))
    library = json.loads(contents.pop("library.json"))

    pages = [programme["programme"], *programme["sessions"]]
    for page in pages:
        page["key"] = key("wagtailcore.page", page["key"])
        page["fields"] = walk(page["fields"])
        outcome_label = (
            "curriculum.programmelearningoutcome"
            if page["type"] == "curriculum.programmepage"
            else "curriculum.sessionlearningoutcome"
        )
        for name, rows in page["children"].items():
            for row in rows:
                row["key"] = key(outcome_label, row["key"]) if name == "learning_outcomes" else None
                if "value" in row["relations"]:
                    row["relations"]["value"] = key(
                        "curriculum.peersupportvalue", row["relations"]["value"]
                    )
        rule = page.get("completion_rule")
        if rule:
            rule["relations"]["optional_worksheets"] = [
                key("worksheets.worksheet", pk) for pk in rule["relations"]["optional_worksheets"]
            ]
        for mapping in page["credit_mappings"]:
            relations = mapping["relations"]
            relations["framework"] = key("certificates.creditframework", relations["framework"])
            for name, label in (
                ("programme_outcomes", "curriculum.programmelearningoutcome"),
                ("session_outcomes", "curriculum.sessionlearningoutcome"),
            ):
                relations[name] = sorted(key(label, pk) for pk in relations[name])
    for label, items in library.items():
        for item in items:
            item["key"] = key(label, item["key"])
            item["fields"] = walk(item["fields"])
            item["relations"] = {
                name: [key("curriculum.contentnote", pk) for pk in pks]
                for name, pks in item["relations"].items()
            }
            if "file" in item:
                number = int(re.search(r"/(\d+)\.", item["file"]).group(1))
                item["file"] = item["file"].replace(f"/{number}.", f"/{key(label, number)}.")
                item.pop("file_name")  # where the file was stored: an id of its own
        items.sort(key=lambda item: item["key"])
    files = {
        re.sub(
            r"^files/([\w.]+)/(\d+)\.",
            lambda m: f"files/{m.group(1)}/{key(m.group(1), int(m.group(2)))}.",
            name,
        ): payload
        for name, payload in contents.items()
    }
    for dropped in ("created_at", "members"):
        manifest.pop(dropped)
    manifest["programme"].pop("slug")
    programme["programme"]["fields"].pop("slug")
    return manifest, programme, library, files


def test_export_import_export_gives_the_same_package(demo_programme):
    first, result = round_trip(demo_programme)
    second = programme_export(programme=result.programme)

    unchanged = {label: {key: int(key) for key in m} for label, m in result.ids.items()}
    assert back_to_source_keys(second.data, result.ids) == back_to_source_keys(
        first.data, unchanged
    )


def test_the_same_programme_exported_twice_differs_only_in_its_date(linked_programme):
    one = members(programme_export(programme=linked_programme).data)
    two = members(programme_export(programme=linked_programme).data)
    assert one.keys() == two.keys()
    assert {n: b for n, b in one.items() if n != "manifest.json"} == {
        n: b for n, b in two.items() if n != "manifest.json"
    }
    first, second = json.loads(one["manifest.json"]), json.loads(two["manifest.json"])
    first.pop("created_at"), second.pop("created_at")
    assert first == second


def test_an_h5p_package_travels_byte_for_byte(demo_programme):
    package = programme_export(programme=demo_programme)
    contents = members(package.data)
    (name,) = [n for n in contents if n.startswith("files/assessments.h5pactivity/")]
    activity_row = H5PActivity.objects.get()
    with activity_row.package.open("rb") as handle:
        assert contents[name] == handle.read()


def test_an_image_without_its_file_stops_the_export_with_a_message(linked_programme, picture):
    from packages.exporting import ExportError

    picture.file.storage.delete(picture.file.name)
    with pytest.raises(ExportError, match="lost its file"):
        programme_export(programme=linked_programme)


def test_nothing_but_pages_of_the_programme_is_exported(linked_programme):
    package = programme_export(programme=linked_programme)
    data = json.loads(members(package.data)["programme.json"])
    keys = {data["programme"]["key"], *(s["key"] for s in data["sessions"])}
    programme_pages = Page.objects.descendant_of(linked_programme, inclusive=True)
    assert keys == set(programme_pages.values_list("pk", flat=True))
