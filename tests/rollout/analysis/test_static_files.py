"""The comparison of a local static folder with a bucket listing (the static-path switch's gate uses it too)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from rollout.analysis.static_files import (
    IMMUTABLE,
    RemoteObject,
    cache_control,
    compare,
    content_type,
    key_prefix,
    scan_folder,
)


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.3f9a1c2b.css").write_text("body{}")
    (tmp_path / "logo.svg").write_text("<svg/>")
    (tmp_path / "app.js").write_text("console.log(1)")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "link.js").symlink_to(tmp_path / "app.js")
    return tmp_path


def remote_of(file, **overrides):
    fields = {"key": file.key, "size": file.size, "sha256": file.sha256}
    return RemoteObject(**{**fields, **overrides})


def test_scan_keys_files_under_the_prefix_and_skips_hidden_and_links(folder):
    files = scan_folder(folder, "static/")
    assert [f.key for f in files] == ["static/app.js", "static/logo.svg", "static/css/site.3f9a1c2b.css"]
    app = files[0]
    assert app.sha256 == hashlib.sha256(b"console.log(1)").hexdigest() and app.size == 14
    assert app.content_type == "text/javascript; charset=utf-8" and app.cache_control == "public, max-age=3600"
    assert files[2].cache_control == IMMUTABLE


@pytest.mark.parametrize(("name", "expected"), [
    ("a.woff2", "font/woff2"), ("a.webp", "image/webp"), ("a.svg", "image/svg+xml; charset=utf-8"),
    ("a.css", "text/css; charset=utf-8"), ("a.png", "image/png"), ("a.unknownext", "application/octet-stream"),
    ("A.JS", "text/javascript; charset=utf-8"),
])
def test_content_types(name, expected):
    assert content_type(name) == expected


@pytest.mark.parametrize(("name", "immutable"), [
    ("app.3f9a1c2b.js", True), ("main-BkX9z2Qa.js", True), ("chunk_0a1b2c3d4e.css", True),
    ("logo.png", False), ("jquery-3.7.1.min.js", False), ("favicon.ico", False), ("background.jpeg", False),
    ("product-thumbnail2.png", False), ("report-20240101.css", False), ("banner_deadbeef.png", False),
])
def test_fingerprinted_names_are_cached_forever(name, immutable):
    assert (cache_control(name) == IMMUTABLE) is immutable


@pytest.mark.parametrize(("pattern", "prefix"), [("/static/*", "static/"), ("/assets/img/*", "assets/img/"),
                                                 ("/*", ""), ("/static*", "")])
def test_key_prefix(pattern, prefix):
    assert key_prefix(pattern) == prefix


def test_compare_new_changed_unchanged_unverified_and_extra(folder):
    app, logo, css = scan_folder(folder, "static/")
    remote = {
        logo.key: remote_of(logo),                                     # same checksum: unchanged
        css.key: remote_of(css, sha256="0" * 64),                      # other content, same size
        "static/old.js": RemoteObject("static/old.js", 3),             # only in the bucket
    }
    plan = compare([app, logo, css], remote)
    assert [(f.key, why) for f, why in plan.upload] == [(app.key, "new"), (css.key, "changed")]
    assert [f.key for f in plan.unchanged] == [logo.key] and [o.key for o in plan.extra] == ["static/old.js"]
    assert plan.missing == [app.key] and plan.different == [css.key] and not plan.in_sync
    unverified = compare([app], {app.key: RemoteObject(app.key, app.size, etag="0" * 32)})
    assert [f.key for f in unverified.unverified] == [app.key] and not unverified.in_sync
    by_md5 = compare([app], {app.key: RemoteObject(app.key, app.size, etag=app.md5)})
    assert by_md5.in_sync and by_md5.unchanged == [app]


def test_a_changed_header_is_uploaded_again(folder):
    app = scan_folder(folder, "")[0]
    plan = compare([app], {app.key: remote_of(app, content_type="application/javascript",
                                              cache_control=app.cache_control)})
    assert [(f.key, why) for f, why in plan.upload] == [(app.key, "headers")]


def test_listing_entries_read_the_metadata_or_the_s3_checksum():
    digest = hashlib.sha256(b"x").digest()
    by_checksum = RemoteObject.from_listing({"Key": "k", "Size": 1, "ChecksumSHA256": base64.b64encode(digest).decode()})
    by_metadata = RemoteObject.from_listing({"Key": "k", "ContentLength": 1, "Metadata": {"sha256": digest.hex()}})
    assert by_checksum.sha256 == by_metadata.sha256 == digest.hex() and by_metadata.size == 1
    multipart = RemoteObject.from_listing({"Key": "k", "Size": 1, "ChecksumSHA256": "abc=-2", "ETag": '"e-2"'})
    assert multipart.sha256 is None and multipart.etag == "e-2"
