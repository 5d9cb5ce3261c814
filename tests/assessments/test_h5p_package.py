"""Package checks: a corpus of harmful or broken .h5p files, each refused with its own plain
message and nothing left on disk or in the database; the good package accepted."""
# ruff: noqa: F811 (fixtures imported from conftest_h5p are used as arguments)

import json
import os
import zipfile

import pytest

from assessments.h5p_package import PackageRefused, content_dir, inspect_package, install_package
from assessments.models import H5PActivity

from .conftest_h5p import demo_bytes, demo_files, h5p_activity, h5p_media, zip_of  # noqa: F401

pytestmark = pytest.mark.django_db


def symlink_info(name):
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = 0o120777 << 16
    return info


def without(*prefixes):
    return {k: v for k, v in demo_files().items() if not k.startswith(prefixes)}


_CORPUS = {}


def corpus():
    if not _CORPUS:
        _CORPUS.update(_build_corpus())
    return _CORPUS


def _build_corpus():
    good = demo_files()
    return {
        "not_zip": (b"<?php echo 'hello'; ?>", {}, "not a zip file"),
        "traversal": (zip_of({**good, "../../evil.json": b"{}"}), {}, "points outside its folder"),
        "traversal_inside": (
            zip_of({**good, "content/../../../etc/passwd.txt": b"x"}),
            {},
            "points outside its folder",
        ),
        "absolute": (zip_of({**good, "/etc/cron.d/evil.json": b"{}"}), {}, "absolute path"),
        "symlink": (
            zip_of(good, extra=[(symlink_info("content/link.json"), b"/etc/passwd")]),
            {},
            "link to another file",
        ),
        "php": (zip_of({**good, "content/shell.php": b"<?php ?>"}), {}, "content/shell.php"),
        "exe": (zip_of({**good, "content/setup.exe": b"MZ"}), {}, "content/setup.exe"),
        "shell": (zip_of({**good, "H5P.PeerCheck-1.0/run.sh": b"rm -rf /"}), {}, "run.sh"),
        "html": (zip_of({**good, "content/page.html": b"<script>"}), {}, "content/page.html"),
        "js_in_content": (zip_of({**good, "content/evil.js": b"alert(1)"}), {}, "evil.js"),
        "no_extension": (zip_of({**good, "content/README": b"hi"}), {}, "content/README"),
        "oversize": (
            zip_of({**good, "content/photo.jpg": os.urandom(80_000)}),
            {"H5P_MAX_UPLOAD_BYTES": 50_000},
            "too big",
        ),
        "too_many_files": (
            zip_of({**good, **{f"content/f{i}.txt": b"x" for i in range(20)}}),
            {"H5P_MAX_FILES": 15},
            "too many files",
        ),
        "zip_bomb": (
            zip_of({**good, "content/bomb.txt": b"0" * 5_000_000}),
            {},
            "zip bomb",
        ),
        "unpacked_too_big": (
            zip_of({**good, "content/big.txt": os.urandom(300_000)}),
            {"H5P_MAX_UNPACKED_BYTES": 200_000},
            "more than",
        ),
        "missing_h5p_json": (zip_of(without("h5p.json")), {}, "no h5p.json"),
        "bad_h5p_json": (
            zip_of({**good, "h5p.json": b"{not json"}),
            {},
            "h5p.json file cannot be read",
        ),
        "main_library_missing": (
            zip_of(without("H5P.PeerCheck-1.0/")),
            {},
            "does not include its main content type (H5P.PeerCheck)",
        ),
        "main_library_not_preloaded": (
            zip_of(
                {
                    **good,
                    "h5p.json": json.dumps(
                        {**json.loads(good["h5p.json"]), "preloadedDependencies": []}
                    ).encode(),
                }
            ),
            {},
            "main content type",
        ),
        "missing_content": (zip_of(without("content/")), {}, "not a valid H5P package"),
    }


CASES = sorted(corpus())


@pytest.mark.parametrize("case", CASES)
def test_each_harmful_package_is_refused_and_leaves_nothing(case, h5p_media, settings, editor):
    data, overrides, words = corpus()[case]
    for name, value in overrides.items():
        setattr(settings, name, value)
    activity = H5PActivity(title="Should not exist")
    with pytest.raises(PackageRefused) as refused:
        install_package(activity, data, user=editor)
    assert words in refused.value.messages[0]
    assert not H5PActivity.objects.exists()
    left = [p for p in h5p_media.rglob("*") if p.is_file()] if h5p_media.exists() else []
    assert left == []
    content_root = h5p_media / "h5p" / "content"
    assert not content_root.exists() or list(content_root.iterdir()) == []


def test_the_corpus_covers_every_kind_of_harm():
    codes = set()
    for data, overrides, _words in corpus().values():
        from django.test import override_settings

        with override_settings(**overrides):
            try:
                inspect_package(data)
            except PackageRefused as refused:
                codes.add(refused.code)
    assert {
        "not_zip",
        "unsafe_path",
        "absolute_path",
        "symlink",
        "file_type",
        "too_big",
        "too_many_files",
        "zip_bomb",
        "unpacked_too_big",
        "no_h5p_json",
        "bad_h5p_json",
        "main_library_missing",
        "invalid",
    } <= codes


def test_the_good_package_is_unpacked_and_recorded(h5p_activity):
    activity = H5PActivity.objects.get()
    folder = content_dir(activity)
    assert json.loads((folder / "h5p.json").read_text())["mainLibrary"] == "H5P.PeerCheck"
    assert (folder / "H5P.PeerCheck-1.0" / "peercheck.js").is_file()
    assert (folder / "content" / "content.json").is_file()
    assert activity.main_library == "H5P.PeerCheck 1.0"
    assert len(activity.sha256) == 64 and activity.size == len(demo_bytes())
    assert activity.inspection["libraries"] == ["H5P.PeerCheck 1.0.0"]
    assert activity.inspection["file_count"] == 6
    assert activity.package.name == f"h5p/packages/{activity.folder}.h5p"
    # Only the final folder remains: no temporary or old folders next to it.
    assert [p.name for p in folder.parent.iterdir()] == [str(activity.folder)]


def test_a_refused_replacement_keeps_the_old_package(h5p_activity):
    before = (content_dir(h5p_activity) / "content" / "content.json").read_bytes()
    with pytest.raises(PackageRefused):
        install_package(h5p_activity, zip_of({**demo_files(), "content/x.php": b"<?php"}))
    h5p_activity.refresh_from_db()
    assert (content_dir(h5p_activity) / "content" / "content.json").read_bytes() == before
    assert h5p_activity.package.storage.exists(h5p_activity.package.name)
    assert [p.name for p in content_dir(h5p_activity).parent.iterdir()] == [
        str(h5p_activity.folder)
    ]


def test_a_good_replacement_swaps_the_files(h5p_activity, django_capture_on_commit_callbacks):
    files = demo_files()
    content = json.loads(files["content/content.json"])
    content["introduction"] = "A new introduction."
    files["content/content.json"] = json.dumps(content).encode()
    old_name = h5p_activity.package.name
    with django_capture_on_commit_callbacks(execute=True):
        install_package(h5p_activity, zip_of(files))
    h5p_activity.refresh_from_db()
    on_disk = json.loads((content_dir(h5p_activity) / "content/content.json").read_text())
    assert on_disk["introduction"] == "A new introduction."
    assert [p.name for p in content_dir(h5p_activity).parent.iterdir()] == [
        str(h5p_activity.folder)
    ]
    stored = h5p_activity.package.storage
    assert stored.exists(h5p_activity.package.name)
    if old_name != h5p_activity.package.name:
        assert not stored.exists(old_name)
