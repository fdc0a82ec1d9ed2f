"""Atomic writes: the old file survives a failed write, no temp file is left, permissions are sane."""

from __future__ import annotations

import os
import stat

import pytest

from rollout.files import write_atomically


def test_writes_text_and_bytes(tmp_path) -> None:
    target = tmp_path / "out.json"
    write_atomically(target, "héllo")
    assert target.read_text(encoding="utf-8") == "héllo"
    write_atomically(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01" and os.listdir(tmp_path) == ["out.json"]


def test_new_file_gets_umask_permissions_and_existing_keeps_its_own(tmp_path) -> None:
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh"
        write_atomically(fresh, "x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not mkstemp's 0600
        private = tmp_path / "private"
        private.write_text("old")
        private.chmod(0o600)
        write_atomically(private, "new")
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    finally:
        os.umask(umask)


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch) -> None:
    target = tmp_path / "baseline.json"
    target.write_text("previous")

    def broken_replace(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(target, "new")
    assert target.read_text() == "previous" and os.listdir(tmp_path) == ["baseline.json"]


def test_missing_folder_raises(tmp_path) -> None:
    with pytest.raises(OSError):
        write_atomically(tmp_path / "missing" / "x", "data")
