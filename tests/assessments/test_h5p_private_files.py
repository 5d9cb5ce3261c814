"""Issue 14: H5P packages and their unpacked files are kept out of the public media folder
(served to anyone under DEBUG, or by a web server's /media/), and only the player's signed
links reach them."""
# ruff: noqa: F811 (fixtures imported from conftest_h5p are used as arguments)

from pathlib import Path

import pytest
from django.core import checks
from django.core.management import call_command
from django.http import Http404
from django.test import Client, RequestFactory
from django.views.static import serve

from assessments.h5p_package import content_dir, move_public_files
from assessments.models import H5PActivity

from .conftest_h5p import demo_bytes, h5p_activity, h5p_media  # noqa: F401

pytestmark = pytest.mark.django_db


def files_under(folder):
    return sorted(p for p in Path(folder).rglob("*") if p.is_file())


def served_as_media(settings, relative):
    """What Django's DEBUG media serving (lms/urls.py) answers for a path under /media/."""
    request = RequestFactory().get(settings.MEDIA_URL + relative)
    try:
        return serve(request, relative, document_root=settings.MEDIA_ROOT).status_code
    except Http404:
        return 404


def test_nothing_of_an_uploaded_package_is_under_media_root(settings, h5p_activity):
    assert files_under(settings.MEDIA_ROOT) == []
    private = Path(settings.PRIVATE_MEDIA_ROOT) / "h5p"
    assert (private / h5p_activity.package.name.removeprefix("h5p/")).is_file()
    assert content_dir(h5p_activity).is_relative_to(private)
    assert (content_dir(h5p_activity) / "h5p.json").is_file()


def test_anonymous_requests_get_none_of_the_package_files(settings, client, h5p_activity):
    folder = h5p_activity.folder
    for relative in (
        f"h5p/content/{folder}/h5p.json",
        f"h5p/content/{folder}/H5P.PeerCheck-1.0/peercheck.js",
        f"h5p/packages/{folder}.h5p",
    ):
        assert served_as_media(settings, relative) == 404
    # The login-checked address on the platform's own origin is gone too.
    assert Client().get(f"/h5p/content/{folder}/h5p.json").status_code == 404


def test_the_package_file_has_no_public_address(h5p_activity):
    with pytest.raises(ValueError):
        h5p_activity.package.url  # noqa: B018
    with h5p_activity.package.open("rb") as handle:
        assert handle.read() == demo_bytes()


def test_files_an_older_version_left_in_media_are_moved_and_the_check_says_so_until_then(
    settings, h5p_activity, tmp_path
):
    # What an older version left: the package and its folder under MEDIA_ROOT/h5p/.
    old = H5PActivity.objects.create(
        title="Old upload", package=f"h5p/packages/{h5p_activity.folder}x.h5p"
    )
    public = Path(settings.MEDIA_ROOT) / "h5p"
    (public / "content" / str(old.folder) / "content").mkdir(parents=True)
    (public / "content" / str(old.folder) / "h5p.json").write_text("{}")
    (public / "packages").mkdir()
    (public / "packages" / f"{h5p_activity.folder}x.h5p").write_bytes(b"PK")
    warnings = [
        m for m in checks.run_checks(tags=[checks.Tags.security]) if m.id == "assessments.W001"
    ]
    assert warnings and "move_h5p_files_to_private" in warnings[0].hint

    call_command("move_h5p_files_to_private", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    assert files_under(settings.MEDIA_ROOT) == []
    assert (content_dir(old) / "h5p.json").read_text() == "{}"
    assert old.package.open("rb").read() == b"PK"
    assert not [
        m for m in checks.run_checks(tags=[checks.Tags.security]) if m.id == "assessments.W001"
    ]
    assert move_public_files() == 0  # safe to run again
