"""Each role is a group with its permissions, and each person lands on a home page made for
them. The admin is open to curriculum editors and programme managers only."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from lms.roles import Role, home_role
from tests.factories import UserFactory, make_programme, make_session

pytestmark = pytest.mark.django_db


def test_a_migration_creates_one_group_per_role():
    names = set(Group.objects.values_list("name", flat=True))
    assert {role.value for role in Role} <= names


def test_editors_may_edit_the_curriculum_library():
    editors = Group.objects.get(name=Role.CURRICULUM_EDITOR.value)
    codes = set(editors.permissions.values_list("codename", flat=True))
    assert {
        "access_admin",
        "add_casescenario",
        "change_casescenario",
        "delete_casescenario",
        "add_worksheet",
        "change_peersupportvalue",
    } <= codes
    page_codes = set(editors.page_permissions.values_list("permission__codename", flat=True))
    assert {"add_page", "change_page", "publish_page"} <= page_codes


def test_trainers_and_trainees_have_no_admin_permissions():
    for role in (Role.TRAINER, Role.TRAINEE):
        group = Group.objects.get(name=role.value)
        assert not group.permissions.exists()
        assert not group.page_permissions.exists()


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("trainee", "What is next for me"),
        ("trainer", "Your sessions"),
        ("editor", "Open the editor"),
        ("manager", "Planned hours"),
        ("evaluation_lead", "Evaluation"),
    ],
)
def test_each_role_lands_on_its_own_home_page(request, as_user, persona, heading):
    make_session(make_programme("Becoming a peer support agent"), title="Delving deeper")
    response = as_user(request.getfixturevalue(persona)).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    assert "Delving deeper" in html or persona == "manager"


def test_only_staff_roles_see_guide_links_on_their_home_page(as_user, trainer, trainee):
    session = make_session(make_programme(), title="Delving deeper")
    assert session.url + "guide/" in as_user(trainer).get("/").content.decode()
    assert "guide/" not in as_user(trainee).get("/").content.decode()


def test_someone_without_a_role_is_told_to_ask_for_one(as_user):
    response = as_user(UserFactory()).get("/")
    assert "does not have a role yet" in response.content.decode()


def test_the_home_page_needs_a_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_logging_in_lands_on_the_home_page(client, trainer):
    from tests.factories import PASSWORD

    response = client.post("/login/", {"username": "trainer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_wrong_password_gets_a_plain_message(client, trainer):
    response = client.post("/login/", {"username": "trainer", "password": "nope"})
    assert "Your name or password is not right" in response.content.decode()


def test_a_person_with_several_roles_lands_on_the_broadest(db):
    person = UserFactory(roles=[Role.TRAINEE, Role.TRAINER])
    assert home_role(person) == Role.TRAINER


@pytest.mark.parametrize(
    ("persona", "can_enter"),
    [
        ("editor", True),
        ("manager", True),
        ("trainer", False),
        ("co_trainer", False),
        ("trainee", False),
        # Evaluation leads build questionnaires in the admin.
        ("evaluation_lead", True),
        ("anonymous", False),
    ],
)
def test_who_may_open_the_admin(request, as_user, persona, can_enter):
    response = as_user(request.getfixturevalue(persona)).get(reverse("wagtailadmin_home"))
    if can_enter:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(("persona", "status"), [("editor", 200), ("manager", 302)])
def test_only_editors_may_edit_a_session_plan(request, as_user, persona, status):
    session = make_session(make_programme())
    response = as_user(request.getfixturevalue(persona)).get(
        reverse("wagtailadmin_pages:edit", args=(session.pk,))
    )
    assert response.status_code == status


@pytest.mark.parametrize(("persona", "status"), [("editor", 200), ("manager", 200)])
def test_editors_and_managers_can_browse_the_case_scenarios(request, as_user, persona, status):
    url = reverse("wagtailsnippets_curriculum_casescenario:list")
    assert as_user(request.getfixturevalue(persona)).get(url).status_code == status


def test_a_manager_cannot_add_a_case_scenario(as_user, manager):
    url = reverse("wagtailsnippets_curriculum_casescenario:add")
    response = as_user(manager).get(url)
    assert response.status_code in (302, 403)


def test_a_trainer_finds_the_worksheets_of_the_cohorts_they_train(as_user, trainer, cohort):
    html = as_user(trainer).get("/").content.decode()
    assert "Kent, spring" in html
    assert reverse("worksheets:grid", args=(cohort.pk,)) in html


def test_a_trainer_does_not_see_other_organisations_cohorts(as_user, trainer, cohort, other_cohort):
    html = as_user(trainer).get("/").content.decode()
    assert "Lille, spring" not in html
