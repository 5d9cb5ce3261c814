"""Browser tests drive Debian's chromium through playwright against a live test server.

Playwright's own browser download cannot work here, so the tests use /usr/bin/chromium,
which `make test` installs.
"""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


# Chromium's own stand-in for a microphone (a steady tone), allowed without asking, as a
# trainee would allow it when the browser asks: for tests that record an answer.
FAKE_MICROPHONE = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


def chromium(extra_args=(), request=None):
    """Start Debian's chromium through playwright; a generator for fixtures to yield from.

    Every page it opens is watched for Content-Security-Policy refusals: a page whose own
    script or style the policy blocks is broken for its user, so the test (its ``request``)
    fails. A test that provokes refusals on purpose (hostile uploaded content) is marked
    ``csp_violations_expected`` and checks them itself through ``browser.csp_violations``."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; Django would otherwise
    # refuse the database calls that set up test data next to it. Only while browsers run.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args]
            )
            violations = watch_csp(browser)
            yield browser
            browser.close()
            expected = request is not None and request.node.get_closest_marker(
                "csp_violations_expected"
            )
            if request is not None and not expected:
                assert violations == [], "The Content-Security-Policy refused:\n" + "\n".join(
                    violations
                )
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# One browser per test, started after the test database is ready: playwright's greenlets
# change which database connection object Django hands out, and a browser that outlived one
# test would stop the next test's serialized rollback from restoring the migrated data.
@pytest.fixture
def browser(request):
    yield from chromium(request=request)


def watch_csp(browser):
    """Collect the policy refusals chromium reports on the console of every context."""
    violations = []
    open_context = browser.new_context

    def new_context(*args, **kwargs):
        context = open_context(*args, **kwargs)
        context.on(
            "console",
            lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text
            else None,
        )
        return context

    browser.new_context = new_context
    browser.csp_violations = violations
    return violations


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
