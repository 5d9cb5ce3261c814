"""Autosave keeps every answer when things go wrong: two tabs of the same worksheet, a save
request that hangs, and an answer the server refuses."""

import json
import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.test_trainee_fills_worksheets import (  # noqa: F401
    OFFLINE,
    answers_of,
    marie,
    wait_for_answer,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SAVED = re.compile(r"Saved at \d")
TITLE = "My role model"
CHANGED = "This worksheet has changed since you opened it. Copy your text, then reload."


def kept_on_device(page):
    """Every answer text this browser keeps in localStorage for worksheets."""
    stored = page.evaluate(
        "Object.keys(localStorage).filter(k => /^lms:\\d+:worksheet-/.test(k))"
        ".map(k => localStorage.getItem(k))"
    )
    return [entry["text"] for raw in stored for entry in json.loads(raw)["answers"].values()]


def texts_of(boxes):
    return boxes.evaluate_all("boxes => boxes.map(box => box.value)")


def open_worksheet(page):
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("heading", name=TITLE, level=1).wait_for()


def box(page, label):
    return page.get_by_role("textbox", name=label)


def devices_sent(page):
    """The device id of every save request the page sends, in order."""
    devices = []
    page.on(
        "request",
        lambda request: (
            request.url.endswith("/save/")
            and devices.append(json.loads(request.post_data)["device"])
        ),
    )
    return devices


def test_a_tab_without_connection_keeps_its_answer_while_another_tab_saves(marie):  # noqa: F811
    tab_a = marie
    open_worksheet(tab_a)
    tab_b = tab_a.context.new_page()
    tab_b.goto(tab_a.url)
    devices_a, devices_b = devices_sent(tab_a), devices_sent(tab_b)

    # Tab A loses its connection (only its own save requests fail) and keeps the answer.
    tab_a.route("**/save/", lambda route: route.abort())
    box(tab_a, "Who has been a role model for you?").fill("My aunt Rosa.")
    tab_a.get_by_text(OFFLINE).wait_for()
    assert kept_on_device(tab_a) == ["My aunt Rosa."]

    # Tab B saves another answer: its save must not drop tab A's text from this browser.
    box(tab_b, "Did they know that you looked up to them?").fill("Yes, I told her.")
    tab_b.get_by_text(SAVED).wait_for()
    wait_for_answer(tab_b, TITLE, "Yes, I told her.")
    assert kept_on_device(tab_a) == ["My aunt Rosa."]
    assert "My aunt Rosa." not in answers_of(TITLE).values()

    # Back online, tab A sends it; then nothing is left waiting in this browser.
    tab_a.unroute("**/save/")
    tab_a.evaluate("window.dispatchEvent(new Event('online'))")
    wait_for_answer(tab_a, TITLE, "My aunt Rosa.")
    tab_a.get_by_text(SAVED).wait_for()
    assert set(answers_of(TITLE).values()) == {"My aunt Rosa.", "Yes, I told her."}
    assert kept_on_device(tab_a) == []

    # Each tab sends its own device id, the same one every time.
    assert len(devices_a) >= 2 and len(set(devices_a)) == 1
    assert len(set(devices_b)) == 1
    assert devices_a[0] != devices_b[0]


def test_a_save_request_that_hangs_is_sent_again_and_ends_saved(marie):  # noqa: F811
    page = marie
    # Fake timers, so that the 20 seconds before giving up pass at once.
    page.clock.install()
    open_worksheet(page)
    stalled = []

    def hang_the_first_save(route):
        if not stalled:
            stalled.append(route)  # never answered: the request hangs
        else:
            route.continue_()

    page.route("**/save/", hang_the_first_save)
    # Wait for the request itself rather than a fixed time: on a busy machine the pause
    # before saving can stretch.
    with page.expect_request("**/save/", timeout=30_000):
        box(page, "Who has been a role model for you?").fill("My aunt Rosa.")
    page.get_by_text("Saving…").wait_for(timeout=30_000)
    assert len(stalled) == 1

    page.clock.fast_forward("00:21")
    page.get_by_text(OFFLINE).wait_for()
    assert kept_on_device(page) == ["My aunt Rosa."]
    page.clock.fast_forward("00:11")  # the next try
    page.get_by_text(SAVED).wait_for()
    wait_for_answer(page, TITLE, "My aunt Rosa.")
    assert kept_on_device(page) == []
    try:
        stalled[0].abort()
    except PlaywrightError:
        pass  # the page already gave up on it


def test_an_answer_the_server_refuses_is_shown_for_copying_and_the_others_still_save(
    marie,  # noqa: F811
):
    page = marie
    open_worksheet(page)

    def refuse_rosa(route):
        if "Rosa" in (route.request.post_data or ""):
            route.fulfill(status=400, json={"error": CHANGED})
        else:
            route.continue_()

    # Two answers wait in one batch while offline; the server then refuses one of them.
    page.route("**/save/", lambda route: route.abort())
    box(page, "Who has been a role model for you?").fill("My aunt Rosa.")
    box(page, "Did they know that you looked up to them?").fill("Yes, I told her.")
    page.get_by_text(OFFLINE).wait_for()
    page.unroute("**/save/")
    page.route("**/save/", refuse_rosa)
    page.evaluate("window.dispatchEvent(new Event('online'))")

    wait_for_answer(page, TITLE, "Yes, I told her.")
    copy = page.locator("#ws-refused")
    copy.get_by_text(CHANGED).wait_for()
    assert copy.get_by_role("textbox").input_value() == "My aunt Rosa."
    assert "My aunt Rosa." not in answers_of(TITLE).values()

    # Later answers are not held back by the refused one.
    box(page, "Which of their qualities").fill("Her patience.")
    wait_for_answer(page, TITLE, "Her patience.")
    page.get_by_text(SAVED).wait_for()
    assert "My aunt Rosa." in kept_on_device(page)

    # Text kept for a box this page no longer has is shown for copying after a reload.
    page.evaluate(
        """() => {
          const key = Object.keys(localStorage).find(k => /^lms:\\d+:worksheet-/.test(k));
          const data = JSON.parse(localStorage.getItem(key));
          data.answers['a-question-since-removed'] =
            {text: 'An answer to a removed question.', at: 1, base: 0, page: 'another-tab'};
          localStorage.setItem(key, JSON.stringify(data));
        }"""
    )
    page.reload()
    leftover = page.locator("#ws-refused textarea")
    leftover.first.wait_for()
    assert "An answer to a removed question." in texts_of(leftover)
    # The refused answer is back in its box and tried again; the server still refuses it.
    assert box(page, "Who has been a role model for you?").input_value() == "My aunt Rosa."
    page.locator("#ws-refused").get_by_text(CHANGED).wait_for()
    assert "My aunt Rosa." in texts_of(leftover)

    # Once copied, the trainee removes it from this device.
    page.get_by_role("button", name="I have copied it: remove it from this device").click()
    assert page.locator("#ws-refused").count() == 0
    assert kept_on_device(page) == []


def test_typing_before_the_autosave_script_has_loaded_is_still_saved(marie):  # noqa: F811
    """On a slow phone the page shows its boxes before the script arrives. What the trainee
    types in that moment differs from what the server sent, so it must be saved too."""
    page = marie
    held = []

    def hold_the_script(route):
        held.append(route)

    page.route("**/autosave.js", hold_the_script)
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("heading", name=TITLE, level=1).wait_for()
    box(page, "Who has been a role model for you?").fill("My neighbour Ana.")
    assert len(held) == 1  # the script has not run yet
    held[0].continue_()

    page.get_by_text(SAVED).wait_for(timeout=30_000)
    wait_for_answer(page, TITLE, "My neighbour Ana.")
