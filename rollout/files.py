"""Writing files so that nothing is lost: a temp file in the same folder, renamed into place.

A symlink is written through (its target gets the new content, the link stays a link); a folder, FIFO, device or
socket is refused with `NotARegularFile` instead of being replaced by a regular file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class NotARegularFile(OSError):
    """The path names something that is not a regular file; replacing it would lose it. `strerror` says what."""


def write_target(path: Path | str) -> Path:
    """The file a write to `path` must replace: `path` itself, or the end of its symlink chain (which may not exist
    yet). Raises NotARegularFile for a folder or a special file, OSError for a symlink loop."""
    path = Path(path)
    target = Path(os.path.realpath(path, strict=False)) if path.is_symlink() else path
    if target.is_symlink():  # realpath stops at a loop and returns a link
        raise OSError(40, "too many levels of symbolic links", str(path))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    for test, kind in _KINDS:
        if test(mode):
            where = f" ({target})" if target != path else ""
            raise NotARegularFile(21 if kind == "a folder" else 22, f"is {kind}{where}, not a regular file",
                                  str(path))
    return target


def write_atomically(path: Path | str, data: str | bytes) -> None:
    """Write `data` to `path`; an interrupted or failed write leaves any previous file whole and no temp file behind.
    Raises OSError (NotARegularFile for a folder or special file). A new file gets the permissions open() would
    give it (mkstemp's would be 0600); an existing file keeps its own. A symlink is written through."""
    target = write_target(path)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, _file_mode(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _file_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
