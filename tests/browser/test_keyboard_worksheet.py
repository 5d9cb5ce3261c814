"""A trainee who uses no mouse logs in, opens a worksheet, answers every question (one by
speaking into the microphone, with a picture beside it), saves and hands it in, with the
keyboard alone; wherever she is on the page, she can see where the focus is.

Chromium gets a fake microphone (a steady tone) and is allowed to use it, as a trainee
would allow it when the browser asks.
"""

import re

import pytest
from django.core.management import call_command
from PIL import Image

from tests.browser.conftest import FAKE_MICROPHONE, chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAX_TABS = 60


@pytest.fixture
def browser(request):
    """Like tests/browser/conftest.py's, with a fake microphone."""
    yield from chromium(FAKE_MICROPHONE, request=request)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    context.grant_permissions(["microphone"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Ask for file choosers to be caught from the start. Playwright turns the catching on
    # when the first listener is added, without waiting for the browser to confirm, so a
    # key pressed right after ``expect_file_chooser()`` could open a chooser that nobody
    # catches (seen once in CI, on a loaded machine).
    page.on("filechooser", lambda chooser: None)
    yield page
    context.close()


FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const label = element.labels && element.labels.length ? element.labels[0].innerText : "";
  return {
    tag: element.tagName.toLowerCase(),
    type: element.type || "",
    name: element.getAttribute("name") || "",
    text: (element.innerText || element.value || "").trim().slice(0, 80),
    label: label.trim().slice(0, 120),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1,
    outlineColor: style.outlineColor,
    shadow: style.boxShadow !== "none",
    // What the ring is drawn on: the colour of the nearest ancestor that paints one.
    around: (() => {
      for (let node = element.parentElement; node; node = node.parentElement) {
        const colour = getComputedStyle(node).backgroundColor;
        if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
      }
      return "rgb(255, 255, 255)";
    })(),
  };
}"""


def luminance(css_colour):
    """Relative luminance (WCAG 2) of an ``rgb(...)``/``rgba(...)`` colour."""
    red, green, blue = (int(n) for n in re.findall(r"[\d.]+", css_colour)[:3])

    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first, second):
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def focused(page):
    return page.evaluate(FOCUSED)


def tab_to(page, matches, *, backwards=False):
    """Press Tab (or Shift+Tab) until the focused element ``matches``; every element passed
    on the way must show where the focus is."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        element = focused(page)
        if element is None:
            continue
        assert element["outline"] or element["shadow"], f"focus not visible on {element}"
        if element["outline"]:
            # WCAG 2.2, 1.4.11: a focus ring needs 3:1 against what is next to it.
            ratio = contrast(element["outlineColor"], element["around"])
            assert ratio >= 3, f"focus ring {ratio:.1f}:1 on {element}"
        if matches(element):
            return element
    raise AssertionError(f"Tab never reached the element wanted; last was {focused(page)}")


def text_is(words):
    return lambda element: element["text"] == words


def label_has(words):
    return lambda element: words in element["label"]


def test_a_trainee_completes_a_worksheet_with_the_keyboard_alone(live_server, page, tmp_path):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD
    from worksheets import demo_formats
    from worksheets.models import AnswerFile, WorksheetResponse

    call_command("load_demo", verbosity=0)
    demo_formats.load()

    # Log in: the first field is reached with Tab after the skip link and the header.
    page.goto(f"{live_server.url}/")
    tab_to(page, lambda element: element["name"] == "username")
    page.keyboard.type("marie")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="What is next for me").wait_for()

    # Open the worksheet from the home page.
    tab_to(page, text_is("My role model"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="My role model", level=1).wait_for()

    # First question: a few words, then the answer spoken into the microphone.
    tab_to(page, label_has("Who has been a role model for you?"))
    page.keyboard.type("My aunt Rosa.")
    record = tab_to(page, text_is("Record"))
    assert record["tag"] == "button"
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"Recording… 0:0\d")).wait_for()
    # The focus moved to the button that stops it.
    assert focused(page)["text"] == "Stop"
    page.wait_for_timeout(1500)
    page.keyboard.press("Space")
    page.get_by_text("Your recording is saved.").wait_for()
    assert focused(page)["text"] == "Listen"
    page.keyboard.press("Enter")
    assert focused(page)["text"] == "Stop listening"
    page.keyboard.press("Enter")
    assert focused(page)["text"] == "Listen"

    # A picture beside it: the chooser opens from the keyboard.
    picture = tmp_path / "drawing.png"
    Image.new("RGB", (120, 80), "teal").save(picture)
    tab_to(page, label_has("Choose a picture"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(picture))
    page.get_by_text("Your picture is saved.").wait_for()

    # The other two questions.
    tab_to(page, label_has("Did they know that you looked up to them?"))
    page.keyboard.type("Yes, I told her last winter.")
    tab_to(page, label_has("Which of their qualities"))
    page.keyboard.type("She listened before she spoke.")

    # Save, then hand in: the hand-in step opens first and asks to confirm.
    tab_to(page, text_is("Save my answers"))
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"Saved at \d")).wait_for()
    tab_to(page, text_is("Hand in my worksheet"))
    page.keyboard.press("Enter")
    tab_to(page, text_is("Yes, hand it in now"))
    page.keyboard.press("Enter")
    page.get_by_text("Thank you. You have handed in “My role model”.").wait_for()

    response = WorksheetResponse.objects.get(
        worksheet__title="My role model", enrolment__trainee__username="marie"
    )
    assert response.status == WorksheetResponse.Status.SUBMITTED
    texts = sorted(value for key, value in response.answers.items() if value and ":" not in key)
    assert texts == [
        "My aunt Rosa.",
        "She listened before she spoke.",
        "Yes, I told her last winter.",
    ]
    audio = AnswerFile.objects.get(response=response, kind="audio")
    picture_file = AnswerFile.objects.get(response=response, kind="picture")
    assert audio.content_type == "audio/webm" and audio.size > 1000
    assert response.answers[f"{audio.key}:audio"] == str(audio.pk)
    assert response.answers[f"{picture_file.key}:picture"] == str(picture_file.pk)

    # Handed in, the page plays the recording and shows the picture, without the recorder.
    page.get_by_text("Your recording", exact=True).wait_for()
    assert page.locator("audio[controls]").count() == 1
    assert page.get_by_role("img", name=re.compile("Your picture for")).is_visible()
    assert page.get_by_role("button", name="Record").count() == 0
