"""Credits in the Wagtail admin, on the programme page, and in the demo."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from certificates import demo
from certificates.models import CreditFramework, CreditMapping
from lms.roles import Role
from tests.factories import UserFactory, make_programme, make_session

pytestmark = pytest.mark.django_db

MAPPINGS = "wagtailsnippets_certificates_creditmapping"
FRAMEWORKS = "wagtailsnippets_certificates_creditframework"


def mapping_data(programme=None, framework=None, **fields):
    data = {
        "programme": programme.pk if programme else "",
        "session_plan": "",
        "framework": (framework or CreditFramework.objects.get(short_name="ECTS")).pk,
        "contact_hours": "40",
        "self_study_hours": "20",
        "placement_hours": "0",
        "level": "",
        "credits": "",
        "basis": "indicative",
        "recognised_by": "",
        "agreement_reference": "",
        "agreed_on": "",
        "valid_from": "",
        "valid_until": "",
        "note": "",
    }
    data.update(fields)
    return data


def framework_data(**fields):
    data = {
        "name": "Lille university module",
        "short_name": "Lille",
        "description": "A module of the peer support diploma.",
        "hours_per_credit_min": "25",
        "hours_per_credit_max": "30",
        "credit_name": "credits",
        "levels": "[]",
        "url": "",
    }
    data.update(fields)
    return data


def test_an_editor_adds_a_mapping(as_user, editor, programme):
    client = as_user(editor)
    assert client.get(reverse(f"{MAPPINGS}:add")).status_code == 200
    response = client.post(reverse(f"{MAPPINGS}:add"), mapping_data(programme))
    assert response.status_code == 302, response.content.decode()[:3000]
    mapping = CreditMapping.objects.get(programme=programme)
    assert (mapping.total_hours, mapping.credits) == (60, None)
    assert client.get(reverse(f"{MAPPINGS}:list")).status_code == 200


def test_the_mapping_form_shows_the_model_checks(as_user, editor, programme):
    client = as_user(editor)
    session = make_session(programme)
    response = client.post(
        reverse(f"{MAPPINGS}:add"),
        mapping_data(
            programme,
            session_plan=session.pk,
            framework=CreditFramework.objects.get(short_name="RQF"),
            level="9",
            basis="recognised",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a programme or a session plan, not both." in html
    assert "Recognised credits need the body, the reference and the date." in html
    assert "RQF has no level 9." in html
    assert not CreditMapping.objects.exists()


def test_outcomes_of_another_programme_are_refused(as_user, editor, programme):
    from curriculum.models import ProgrammeLearningOutcome

    other = make_programme("Another")
    stranger = ProgrammeLearningOutcome.objects.create(page=other, text="Elsewhere")
    response = as_user(editor).post(
        reverse(f"{MAPPINGS}:add"), {**mapping_data(programme), "programme_outcomes": [stranger.pk]}
    )
    assert response.status_code == 200
    assert "Choose outcomes of Becoming a peer support agent only." in response.content.decode()
    assert not CreditMapping.objects.exists()


@pytest.mark.parametrize("role", ["trainer", "trainee"])
def test_trainers_and_trainees_cannot_open_the_credits_admin(request, as_user, role):
    client = as_user(request.getfixturevalue(role))
    for url in (
        reverse(f"{MAPPINGS}:list"),
        reverse(f"{MAPPINGS}:add"),
        reverse(f"{FRAMEWORKS}:list"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "wagtailsnippets" not in response.get("Location", "")
    assert client.post(reverse(f"{FRAMEWORKS}:add"), framework_data()).status_code in (302, 403)
    assert not CreditFramework.objects.filter(short_name="Lille").exists()


def test_an_editor_cannot_add_a_framework(as_user, editor):
    client = as_user(editor)
    assert client.get(reverse(f"{FRAMEWORKS}:list")).status_code == 200
    client.post(reverse(f"{FRAMEWORKS}:add"), framework_data())
    assert not CreditFramework.objects.filter(short_name="Lille").exists()


def test_a_manager_adds_and_edits_a_custom_framework(as_user, manager):
    client = as_user(manager)
    response = client.post(reverse(f"{FRAMEWORKS}:add"), framework_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    custom = CreditFramework.objects.get(short_name="Lille")
    assert not custom.built_in
    response = client.post(
        reverse(f"{FRAMEWORKS}:edit", args=[custom.pk]), framework_data(name="Lille module")
    )
    assert response.status_code == 302
    custom.refresh_from_db()
    assert custom.name == "Lille module"
    # Deleting stays with superusers.
    client.post(reverse(f"{FRAMEWORKS}:delete", args=[custom.pk]))
    assert CreditFramework.objects.filter(pk=custom.pk).exists()


@pytest.mark.parametrize("who", ["manager", "superuser"])
def test_built_in_frameworks_cannot_be_edited_or_deleted(request, as_user, who):
    if who == "superuser":
        user = UserFactory(username="root", is_superuser=True, is_staff=True)
    else:
        user = request.getfixturevalue("manager")
    client = as_user(user)
    ects = CreditFramework.objects.get(short_name="ECTS")
    edit = reverse(f"{FRAMEWORKS}:edit", args=[ects.pk])
    response = client.get(edit, follow=True)
    assert "is built in" in response.content.decode()
    client.post(edit, framework_data(name="Changed", short_name="ECTS"))
    client.post(reverse(f"{FRAMEWORKS}:delete", args=[ects.pk]))
    ects.refresh_from_db()
    assert ects.name == "European Credit Transfer and Accumulation System"
    # The list offers no edit link for it.
    listing = client.get(reverse(f"{FRAMEWORKS}:list")).content.decode()
    assert edit not in listing


def test_a_framework_in_use_cannot_be_deleted(as_user, programme):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    custom = CreditFramework.objects.create(
        name="Custom", short_name="C", hours_per_credit_min=10, hours_per_credit_max=10
    )
    CreditMapping.objects.create(framework=custom, programme=programme, contact_hours=10)
    client = as_user(root)
    delete = reverse(f"{FRAMEWORKS}:delete", args=[custom.pk])
    assert "cannot be deleted" in client.get(delete).content.decode()
    response = client.post(delete, follow=True)
    assert response.status_code == 200
    assert "cannot be deleted: 1 credit mapping(s) use it" in response.content.decode()
    assert CreditFramework.objects.filter(pk=custom.pk).exists()

    CreditMapping.objects.all().delete()
    assert client.post(delete).status_code == 302
    assert not CreditFramework.objects.filter(pk=custom.pk).exists()


def test_roles_have_the_permissions_the_migration_gives():
    editors = Group.objects.get(name=Role.CURRICULUM_EDITOR.value)
    managers = Group.objects.get(name=Role.PROGRAMME_MANAGER.value)

    def codes(group):
        return set(
            group.permissions.filter(content_type__app_label="certificates").values_list(
                "codename", flat=True
            )
        )

    assert codes(editors) == {
        "add_creditmapping",
        "change_creditmapping",
        "view_creditmapping",
        "view_creditframework",
    }
    assert codes(managers) == {
        "add_creditmapping",
        "change_creditmapping",
        "view_creditmapping",
        "add_creditframework",
        "change_creditframework",
        "view_creditframework",
        "view_certificate",
        "add_certificatetemplate",
        "change_certificatetemplate",
        "view_certificatetemplate",
    }
    assert codes(Group.objects.get(name=Role.CERTIFYING_OFFICER.value)) == {
        "issue_certificate",
        "view_certificate",
        "view_certificateevent",
        "add_certificatetemplate",
        "change_certificatetemplate",
        "view_certificatetemplate",
        "view_creditframework",
        "view_creditmapping",
    }
    assert not codes(Group.objects.get(name=Role.TRAINER.value))


def add_credits(programme, sessions):
    ects = CreditFramework.objects.get(short_name="ECTS")
    rqf = CreditFramework.objects.get(short_name="RQF")
    CreditMapping.objects.create(
        framework=ects, programme=programme, contact_hours=Decimal("7.5"), level=""
    )
    CreditMapping.objects.create(
        framework=rqf,
        programme=programme,
        contact_hours=20,
        level="3",
        credits=2,
        basis="recognised",
        recognised_by="Open Awards",
        agreement_reference="OA-17",
        agreed_on=datetime.date(2026, 3, 3),
        valid_until=datetime.date(2099, 7, 31),
    )
    eqf = CreditFramework.objects.get(short_name="EQF")
    for session in sessions:
        mapping = CreditMapping.objects.create(framework=eqf, session_plan=session, level="3")
        mapping.session_outcomes.set(session.learning_outcomes.all())


@pytest.mark.parametrize("role", ["trainee", "trainer", "editor"])
def test_the_programme_page_shows_the_credits(request, as_user, programme, role):
    add_credits(programme, [make_session(programme)])
    html = as_user(request.getfixturevalue(role)).get(programme.url).content.decode()
    assert "Credits" in html
    assert "Indicative: worked out from 7.5 hours of learning." in html
    assert (
        "Recognised by Open Awards, agreement OA-17, 3 March 2026, valid until 31 July 2099."
        in html
    )
    assert 'data-framework="EQF"' in html
    assert "0 ECTS credits" in html and "2 RQF credits" in html


def test_a_programme_without_credits_has_no_credits_section(as_user, trainee, programme):
    html = as_user(trainee).get(programme.url).content.decode()
    assert "programme-credits" not in html


def test_the_credits_cost_the_same_queries_at_two_sizes(
    as_user, trainer, django_assert_max_num_queries
):
    small = make_programme("Small")
    add_credits(small, [make_session(small, number=n) for n in range(1, 3)])
    large = make_programme("Large")
    add_credits(
        large, [make_session(large, number=n, outcomes=("A", "B", "C")) for n in range(1, 21)]
    )
    client = as_user(trainer)
    client.get(small.url)
    counts = []
    for page in (small, large):
        with django_assert_max_num_queries(19) as captured:
            response = client.get(page.url)
        assert response.status_code == 200
        assert "Recognised by Open Awards" in response.content.decode()
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_demo_credits_load_twice_to_the_same_data(as_user, trainee):
    call_command("load_demo", verbosity=0)
    first = demo.load()
    snapshot = list(CreditMapping.objects.order_by("pk").values())
    frameworks = CreditFramework.objects.count()
    assert demo.load() == first
    assert list(CreditMapping.objects.order_by("pk").values_list("pk", "credits")) == [
        (row["id"], row["credits"]) for row in snapshot
    ]
    assert CreditFramework.objects.count() == frameworks

    by_name = {item.short_name: item for item in first}
    assert set(by_name) == {"ECTS", "RQF", "KPSQ (demo)"}
    assert by_name["KPSQ (demo)"].basis == "recognised"
    assert by_name["ECTS"].basis == by_name["RQF"].basis == "indicative"
    programme = demo.find_programme()
    contact = Decimal(programme.total_planned_minutes()) / 60
    assert abs(by_name["ECTS"].contact_hours - contact) < Decimal("0.1")
    assert by_name["RQF"].outcomes  # the programme's outcomes are covered
    assert by_name["RQF"].credits == (by_name["RQF"].total_hours / 10 * 2 // 1) / 2

    html = as_user(trainee).get(programme.url).content.decode()
    assert "Recognised by Kent Peer Network awarding panel (demo)" in html
