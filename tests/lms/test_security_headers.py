"""The headers around every page: a Content-Security-Policy that lets only the platform's own
scripts run, no copy of a logged-in page kept by the browser or a proxy, and devices such as
the microphone off unless a page needs them. Checked over every page the demo's people reach
from their home page, so a new template with an inline script fails here."""

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_database")]

PEOPLE = ["marie", "trainer", "manager", "officer", "evaluator", "editor", "robin"]
# Pages that act when opened, or that are not the platform's own pages.
SKIP = re.compile(r"^/(logout|admin|i18n|static|media|documents)/|\.(pdf|csv|xlsx|json)$|/cards/")


class Scripts(HTMLParser):
    """Inline scripts, style elements and event-handler attributes: what a strict policy
    would block."""

    def __init__(self):
        super().__init__()
        self.inline = []
        self.handlers = []
        self.style_elements = 0
        self.links = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
        if tag == "script":
            data_only = attrs.get("type") in ("application/json", "application/ld+json")
            self._in_script = "src" not in attrs and not data_only
        if tag == "style":
            self.style_elements += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append(data.strip()[:80])


def reachable_pages(client, limit=60):
    """Pages reached from the home page, two clicks deep, as ``(path, response)``."""
    seen, queue, pages = set(), ["/"], []
    depth = {"/": 0}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages.append((path, response))
        if depth[path] >= 2:
            continue
        parser = Scripts()
        parser.feed(response.content.decode())
        for href in parser.links:
            href = urldefrag(href)[0]
            parsed = urlparse(href)
            if parsed.netloc or not parsed.path.startswith("/") or SKIP.search(parsed.path):
                continue
            target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if target not in depth:
                depth[target] = depth[path] + 1
                queue.append(target)
    return pages


@pytest.mark.parametrize("username", PEOPLE)
def test_no_page_has_an_inline_script_or_handler(client, username):
    client.force_login(User.objects.get(username=username))
    pages = reachable_pages(client)
    assert len(pages) > 3, [path for path, _ in pages]
    for path, response in pages:
        parser = Scripts()
        parser.feed(response.content.decode())
        assert parser.inline == [], path
        assert parser.handlers == [], path
        assert parser.style_elements == 0, path
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style")[0]
        assert "frame-ancestors 'none'" in policy or "h5p" in path, path
        assert "object-src 'none'" in policy
        # Nothing of a logged-in page is kept: not by this browser, not by a proxy.
        assert "no-store" in response["Cache-Control"], path
        assert "microphone=" in response["Permissions-Policy"], path


def test_the_login_page_has_the_policy_too(client):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_devices_are_off_by_default(client):
    client.force_login(User.objects.get(username="marie"))
    policy = client.get("/")["Permissions-Policy"]
    for feature in ("microphone", "camera", "geolocation"):
        assert f"{feature}=()" in policy


def test_static_files_may_be_cached(client):
    client.force_login(User.objects.get(username="marie"))
    response = client.get("/static/lms/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_admin_keeps_its_own_scripts_working(client):
    client.force_login(User.objects.get(username="editor"))
    policy = client.get("/admin/")["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_template_carries_an_inline_script_style_or_handler():
    """The same rule over every template of the project, pages the crawl above cannot reach
    included (error states, rare roles)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for template in root.glob("*/templates/**/*.html"):
        text = template.read_text()
        for number, line in enumerate(text.splitlines(), 1):
            inline_script = re.search(
                r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)", line
            )
            handler = re.search(r"\son[a-z]+\s*=\s*[\"']", line)
            if inline_script or handler or "<style" in line:
                offenders.append(f"{template.relative_to(root)}:{number}")
    assert offenders == []
