"""A content-addressed cache of inventories: `check` after `plan` on unchanged code does not run the program again.

Safe by construction, not by expiry. An entry is found by a key that hashes everything a run depends on that can be
known before it runs: the tool's own runtime code, every installed distribution and its version, the Python
version, the program's folder (every file in it, by content, except virtualenvs, VCS and caches), the merged stack
config, the phase, and the environment variables the SDKs read (PULUMI_*, AWS_*, CLOUDFLARE_*, GRAFANA_*). While a
program runs, an audit hook records every other file it opens or folder it lists outside the Python installation
(a zone file given by absolute path, a module on PYTHONPATH); the entry stores their content hashes and is used only
while all of them still match. Anything else a program reads (other environment variables, the clock, the
network) is not seen: `--no-cache` (or ROLLOUT_NO_CACHE=1) runs it regardless.

Entries live under the user's cache folder (ROLLOUT_CACHE_DIR, else $XDG_CACHE_HOME/sme-rollout, else
~/.cache/sme-rollout), never inside the project; they are 0600 files written atomically, so an interrupted write
leaves no half entry, and an unreadable entry is a miss. They hold the inventory with secret values revealed, which
offline are only what the program's own files already contain (`secure:` values are never decrypted).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rollout.files import write_atomically
from rollout.model.inventory import Inventory
from rollout.model.stackfile import StackFile

FORMAT = 1
"""Bump when the entry layout or the key's ingredients change."""
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache",
                             ".pytest_cache", ".ruff_cache", ".tox", ".nox", ".hypothesis", ".pulumi", ".idea",
                             ".vscode", "build", "dist"})
ENVIRONMENT_PREFIXES = ("PULUMI_", "AWS_", "CLOUDFLARE_", "GRAFANA_")
CONTENT_LIMIT = 8 * 1024 * 1024
"""Files larger than this are keyed by size and modification time instead of content."""
MAX_ENTRIES = 256
MAX_AGE_SECONDS = 14 * 24 * 3600


def cache_folder() -> Path:
    if os.environ.get("ROLLOUT_CACHE_DIR"):
        return Path(os.environ["ROLLOUT_CACHE_DIR"]).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return (Path(base).expanduser() / "sme-rollout").resolve()


def disabled_by_environment() -> bool:
    return os.environ.get("ROLLOUT_NO_CACHE", "").strip().lower() not in ("", "0", "false", "no")


def cached_run(stack_file: StackFile, phase: int | None, run: Callable[[], Inventory], *,
               use_cache: bool = True) -> tuple[Inventory, bool]:
    """The inventory of `run()` for this stack file and phase, from the cache when every ingredient is unchanged.
    Returns (inventory, served_from_cache). A failing run is never stored."""
    folder = cache_folder()
    program = stack_file.project.directory.resolve()
    if not use_cache or disabled_by_environment() or _is_within(folder, program):
        return run(), False
    key = run_key(stack_file, phase, folder)
    entry_path = folder / f"{key}.json"
    inventory = _load(entry_path)
    if inventory is not None:
        return inventory, True
    with _recording_reads(exclude=(program, folder)) as reads:
        inventory = run()
    _store(entry_path, inventory, reads)
    return inventory, False


# ---------------------------------------------------------------------------------------------------------------
# The key


def run_key(stack_file: StackFile, phase: int | None, folder: Path | None = None) -> str:
    """Everything a run depends on that is known before it runs, hashed."""
    program = stack_file.project.directory.resolve()
    digest = hashlib.sha256()
    for part in (f"format {FORMAT}", sys.version, _tool_digest(), _distributions_digest(), str(program),
                 stack_file.stack, json.dumps(phase), _config_digest(stack_file), _environment_digest(),
                 tree_digest(program, exclude=folder or cache_folder())):
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.hexdigest()


def tree_digest(root: Path, *, exclude: Path | None = None) -> str:
    """Every file under `root` by path and content (virtualenvs, VCS folders and caches skipped)."""
    digest = hashlib.sha256()
    for path in sorted(_tree_files(root, exclude)):
        digest.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(_file_digest(path).encode() + b"\0")
    return digest.hexdigest()


def _tree_files(root: Path, exclude: Path | None) -> Iterator[Path]:
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = [f for f in folders if f not in SKIPPED_FOLDERS and not (here / f / "pyvenv.cfg").exists()
                      and (exclude is None or (here / f).resolve() != exclude)]
        for name in files:
            path = here / name
            if path.is_file():
                yield path


def _file_digest(path: Path) -> str:
    try:
        stat = path.stat()
        if stat.st_size > CONTENT_LIMIT:
            return f"size {stat.st_size} mtime {stat.st_mtime_ns}"
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def _tool_digest() -> str:
    """The code that turns a program run into an inventory: rollout.runtime and rollout.model (an edited checkout
    invalidates its own entries)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for layer in ("runtime", "model"):
        for path in sorted((package / layer).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


_DISTRIBUTIONS: str | None = None


def _distributions_digest() -> str:
    """Every installed distribution and version: the SDKs a program imports, whatever they are."""
    global _DISTRIBUTIONS
    if _DISTRIBUTIONS is None:
        from importlib import metadata

        names = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
        _DISTRIBUTIONS = hashlib.sha256("\n".join(names).encode()).hexdigest()
    return _DISTRIBUTIONS


def _config_digest(stack_file: StackFile) -> str:
    config = {"config": dict(stack_file.config), "secure": sorted(stack_file.secure_keys)}
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=repr).encode()).hexdigest()


def _environment_digest() -> str:
    names = sorted(n for n in os.environ if n.startswith(ENVIRONMENT_PREFIXES))
    return hashlib.sha256("\n".join(f"{n}={os.environ[n]}" for n in names).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# What a run reads besides its own folder


_reads: set[tuple[str, str]] | None = None
_hook_installed = False
_READ_EVENTS = {"open": "file", "os.listdir": "folder", "os.scandir": "folder"}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _reads is None or event not in _READ_EVENTS or not args:
        return
    path = args[0]
    if isinstance(path, (str, bytes, os.PathLike)):
        _reads.add((_READ_EVENTS[event], os.fsdecode(path)))


@contextmanager
def _recording_reads(*, exclude: tuple[Path, ...]) -> Iterator[dict[str, str]]:
    """Collect, while the block runs, the files and folders read outside `exclude` and the Python installation;
    yields a dict filled on exit with their digests."""
    global _reads, _hook_installed
    if not _hook_installed:  # audit hooks cannot be removed: one for the process, idle outside a recording
        sys.addaudithook(_audit)
        _hook_installed = True
    found: dict[str, str] = {}
    _reads = set()
    try:
        yield found
    finally:
        reads, _reads = _reads, None
        skipped = _installation_folders() + tuple(str(p) for p in exclude)
        for kind, raw in sorted(reads):
            path = _source_of(Path(raw))
            text = str(path)
            if not path.is_absolute() or text.startswith(skipped) or text.startswith(("/dev/", "/proc/", "/sys/")):
                continue
            found[f"{kind}:{text}"] = _read_digest(kind, path)


def _installation_folders() -> tuple[str, ...]:
    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values()}
    return tuple(sorted(str(Path(f).resolve()) for f in folders if f))


def _source_of(path: Path) -> Path:
    """A compiled module stands for its source: `pkg/__pycache__/mod.cpython-311.pyc` → `pkg/mod.py`."""
    path = Path(os.path.abspath(path))
    if path.parent.name == "__pycache__" and path.suffix == ".pyc":
        return path.parent.parent / (path.name.split(".")[0] + ".py")
    return path


def _read_digest(kind: str, path: Path) -> str:
    if kind == "folder":
        try:
            return hashlib.sha256("\n".join(sorted(os.listdir(path))).encode("utf-8", "surrogateescape")).hexdigest()
        except OSError:
            return "unreadable"
    return _file_digest(path) if path.exists() else "missing"


# ---------------------------------------------------------------------------------------------------------------
# Entries


def _load(path: Path) -> Inventory | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry.get("format") != FORMAT:
            return None
        for item, expected in entry["reads"].items():
            kind, _, name = item.partition(":")
            if _read_digest(kind, Path(name)) != expected:
                return None
        inventory = Inventory.from_json(entry["inventory"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    try:
        os.utime(path)  # recently used entries survive pruning
    except OSError:
        pass
    return inventory


def _store(path: Path, inventory: Inventory, reads: dict[str, str]) -> None:
    """Write the entry; a cache that cannot be written is no error (the run already succeeded)."""
    entry = {"format": FORMAT, "reads": reads, "inventory": inventory.to_json(reveal_secrets=True)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        previous = os.umask(0o077)
        try:
            write_atomically(path, json.dumps(entry, separators=(",", ":")))
        finally:
            os.umask(previous)
        _prune(path.parent)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    """Keep the newest MAX_ENTRIES entries, none older than MAX_AGE_SECONDS."""
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    now = time.time()
    for index, entry in enumerate(entries):
        if index >= MAX_ENTRIES or now - entry.stat().st_mtime > MAX_AGE_SECONDS:
            entry.unlink(missing_ok=True)


def clear() -> int:
    """Remove every entry; returns how many."""
    folder = cache_folder()
    removed = 0
    for entry in folder.glob("*.json") if folder.is_dir() else ():
        entry.unlink(missing_ok=True)
        removed += 1
    return removed


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False
