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


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    write_atomically(link, "new")
    assert link.is_symlink() and os.readlink(link) == "real.json"
    assert real.read_text() == "new" and stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real.json"]


def test_a_dangling_symlink_creates_its_target(tmp_path) -> None:
    (tmp_path / "out").mkdir()
    link = tmp_path / "latest.json"
    link.symlink_to(tmp_path / "out" / "baseline.json")
    write_atomically(link, "data")
    assert link.is_symlink() and (tmp_path / "out" / "baseline.json").read_text() == "data"


@pytest.mark.parametrize("kind", ["fifo", "folder", "link-to-fifo"])
def test_special_files_and_folders_are_refused_not_replaced(tmp_path, kind) -> None:
    from rollout.files import NotARegularFile

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    target = {"fifo": fifo, "folder": tmp_path / "dir", "link-to-fifo": tmp_path / "link"}[kind]
    if kind == "folder":
        target.mkdir()
    if kind == "link-to-fifo":
        target.symlink_to(fifo)
    with pytest.raises(NotARegularFile) as raised:
        write_atomically(target, "data")
    assert "not a regular file" in raised.value.strerror
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not replaced by a regular file
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_a_character_device_is_refused(tmp_path) -> None:
    from rollout.files import NotARegularFile

    with pytest.raises(NotARegularFile, match="character device"):
        write_atomically("/dev/null", "data")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_symlink_loop_is_an_os_error(tmp_path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(OSError):
        write_atomically(a, "data")
