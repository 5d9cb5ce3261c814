"""Issue 14 in chromium: a library inside an uploaded H5P package runs in the player's
sandbox and reaches nothing of the trainee's: not the page's cookies or CSRF token, not the
browser's storage, not their private worksheet. A real package still plays there and its
score is recorded.

The hostile content type is built with the project's own builder (``h5p_build``), as the demo
package is; its library reports what it got through the one channel a package has, an xAPI
statement, which the page relays and the server stores."""

import json
import time
from pathlib import Path

import pytest
from django.urls import reverse

from assessments.h5p_build import build_package
from assessments.h5p_package import install_package
from assessments.models import H5PActivity, H5PResult, XAPIStatement
from lms.roles import Role
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    activity,
    make_cohort,
    make_programme,
    make_session,
    part,
    worksheet_with_parts,
)
from training.models import Enrolment
from worksheets.models import WorksheetResponse

from .test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-test-password-2026"
SECRET = "My brother's overdose last winter"
STORAGE_SECRET = "unsent words kept in this browser"
REAL = Path(__file__).resolve().parents[3] / "shared" / "h5p-real"

ESCAPE_JS = r"""
var H5P = window.H5P = window.H5P || {};
H5P.Escape = (function (EventDispatcher) {
  'use strict';
  function Escape(params) {
    EventDispatcher.call(this);
    this.params = params || {};
  }
  Escape.prototype = Object.create(EventDispatcher.prototype);
  Escape.prototype.constructor = Escape;

  Escape.prototype.attach = function ($container) {
    var self = this;
    var report = {};
    function grab(name, how) {
      try { report[name] = String(how()); } catch (e) { report[name] = 'blocked: ' + e.name; }
    }
    function token(win) {
      return win.document.querySelector('input[name=csrfmiddlewaretoken]').value;
    }
    grab('cookie', function () { return document.cookie; });
    grab('parentToken', function () { return token(window.parent); });
    grab('topToken', function () { return token(window.top); });
    grab('parentCookie', function () { return window.parent.document.cookie; });
    grab('parentStorage', function () { return JSON.stringify(window.parent.localStorage); });
    grab('storage', function () {
      var all = [];
      for (var i = 0; i < window.localStorage.length; i++) {
        all.push(window.localStorage.key(i) + '=' +
          window.localStorage.getItem(window.localStorage.key(i)));
      }
      return all.join(';');
    });
    function read(name, options) {
      return fetch(self.params.target, options).then(function (response) {
        return response.text().then(function (text) {
          // What an attacker wants from the page: the answers in its text boxes.
          var typed = (text.match(/<textarea[^>]*>[^<]*<\/textarea>/g) || []).join('|');
          report[name] = response.status + ' ' + response.type + ' ' + typed;
        });
      }, function (e) { report[name] = 'blocked: ' + e.name; });
    }
    Promise.all([
      read('worksheet', { credentials: 'include' }),
      read('worksheetNoCors', { credentials: 'include', mode: 'no-cors' })
    ]).then(function () {
      var event = self.createXAPIEventTemplate('answered');
      var statement = event.data.statement;
      var parentId = statement.object.id;
      statement.object = {
        id: parentId + '?subContentId=report',
        objectType: 'Activity',
        definition: { interactionType: 'long-fill-in', description: { 'en-US': 'report' } }
      };
      statement.result = { response: JSON.stringify(report) };
      self.trigger(event);
    });
    var root = $container.get ? $container.get(0) : $container;
    root.textContent = 'Nothing to see here.';
  };
  return Escape;
})(H5P.EventDispatcher);
"""


def escape_library(folder: Path):
    library = folder / "H5P.Escape-1.0"
    library.mkdir(parents=True)
    (library / "library.json").write_text(
        json.dumps(
            {
                "title": "Escape",
                "machineName": "H5P.Escape",
                "majorVersion": 1,
                "minorVersion": 0,
                "patchVersion": 0,
                "runnable": 1,
                "license": "MIT",
                "author": "A test",
                "embedTypes": ["iframe"],
                "coreApi": {"majorVersion": 1, "minorVersion": 19},
                "preloadedJs": [{"path": "escape.js"}],
            }
        )
    )
    (library / "semantics.json").write_text(
        json.dumps([{"name": "target", "type": "text", "label": "Target"}])
    )
    (library / "escape.js").write_text(ESCAPE_JS)
    return folder


@pytest.fixture
def group(tmp_path, settings):
    """A trainee of a cohort whose session has a worksheet with a private answer in it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    organisation = OrganisationFactory(name="Kent Peer Network", slug="kent")
    trainee = UserFactory(username="robin", roles=[Role.TRAINEE], organisation=organisation)
    trainee.set_password(PASSWORD)
    trainee.save()
    programme = make_programme("Becoming a peer support agent")
    worksheet = worksheet_with_parts(
        "Only for me", part("reflection", "private", prompt="Who inspired you?")
    )
    cohort = make_cohort(programme, organisation, trainees=[trainee], name="Kent, spring")
    enrolment = Enrolment.objects.get(trainee=trainee, cohort=cohort)
    (prompt,) = (p.key for section in worksheet.layout() for p in section.prompts)
    WorksheetResponse.objects.create(
        enrolment=enrolment, worksheet=worksheet, answers={prompt: SECRET}
    )
    return {
        "trainee": trainee,
        "programme": programme,
        "enrolment": enrolment,
        "worksheet_url": reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk]),
        "worksheet": worksheet,
    }


def place(group, package, title):
    activity_row = install_package(H5PActivity(title=title), package)
    make_session(
        group["programme"],
        1,
        activities=[
            activity("Only for me", worksheet=group["worksheet"]),
            activity(title, h5p=activity_row.pk),
        ],
    )
    return activity_row


def wait_for(query, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = query()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError("nothing arrived in time")


@pytest.mark.csp_violations_expected
def test_a_package_library_reaches_nothing_of_the_trainee(
    live_server, browser, page, group, tmp_path
):
    hostile = build_package(
        {"target": group["worksheet_url"]},
        title="Escape",
        main_library="H5P.Escape",
        library_dir=escape_library(tmp_path / "libraries"),
    )
    played = place(group, hostile, "A harmless looking activity")

    log_in(page, live_server.url, "robin", PASSWORD)
    # The trainee's own page reads their private answer, with their login.
    page.goto(live_server.url + group["worksheet_url"])
    assert SECRET in page.content()
    # Something of theirs kept in this browser.
    page.evaluate(f"window.localStorage.setItem('secret-of-the-page', '{STORAGE_SECRET}')")
    page.goto(
        live_server.url + reverse("assessments:h5p_play", args=[group["enrolment"].pk, played.pk])
    )
    stored = wait_for(
        lambda: XAPIStatement.objects.filter(activity=played, sub_content_id="report").first()
    )
    report = json.loads(stored.response)
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    session = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")

    for name in ("cookie", "parentToken", "topToken", "parentCookie", "parentStorage"):
        assert report[name].startswith("blocked: "), (name, report[name])
    everything = stored.response
    for secret in (csrf, session, SECRET, STORAGE_SECRET, "secret-of-the-page"):
        assert secret not in everything
    # The worksheet: refused outright (no CORS for the frame), or an empty, unreadable reply.
    assert report["worksheet"].startswith("blocked: ")
    assert report["worksheetNoCors"] in ("0 opaque ", "blocked: TypeError")
    # What reached the server went through the page, which named the trainee and the attempt.
    assert stored.user == group["trainee"] and stored.attempt is not None
    # The frame's own policy is what refused the worksheet; nothing else was refused.
    assert browser.csp_violations
    refusals = browser.csp_violations
    assert all(group["worksheet_url"] in refusal for refusal in refusals), refusals
    assert any('"connect-src ' in refusal for refusal in refusals), refusals


def test_a_real_package_plays_in_the_sandbox_and_its_score_is_checked_and_recorded(
    live_server, page, group
):
    """H5P.SingleChoiceSet 1.11 from ../shared/h5p-real: one "answered" per question, then
    "completed" for the set; its sounds come through the files' CORS preflight."""
    played = place(group, (REAL / "singlechoiceset.h5p").read_bytes(), "Three quick questions")
    log_in(page, live_server.url, "robin", PASSWORD)
    page.goto(
        live_server.url + reverse("assessments:h5p_play", args=[group["enrolment"].pk, played.pk])
    )
    frame = page.frame_locator("#h5p-frame")
    for choice in (
        "Lived experience of similar difficulties",  # right
        "Tell them what you would do in their place",  # wrong
        "The person being supported",  # right
    ):
        frame.get_by_role("button", name=choice).click()
    page.locator("#h5p-result", has_text="best score 67%").wait_for(timeout=30_000)
    page.locator("#h5p-status", has_text="Your answers are saved.").wait_for()

    statements = XAPIStatement.objects.filter(activity=played).order_by("pk")
    assert [(s.verb, bool(s.sub_content_id)) for s in statements] == [
        ("answered", True),
        ("answered", True),
        ("answered", True),
        ("completed", False),
    ]
    assert [s.score_raw for s in statements] == [1, 0, 1, 2]
    assert not statements.exclude(flag="").exists()
    result = H5PResult.objects.get(activity=played, enrolment=group["enrolment"])
    assert result.best_scaled == pytest.approx(2 / 3, abs=1e-3) and result.completed
    assert statements.last().attempt.max_score == 3
