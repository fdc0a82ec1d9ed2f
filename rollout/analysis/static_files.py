"""Static files: what the old server serves under the static path, compared with what the asset bucket holds.

Pure (the bucket listing is data handed in; only `scan_folder` reads the local folder): `rollout sync static` uses
it to upload only what changed, and the static-path switch's gate (issue 13) uses `compare` to refuse the switch
while the bucket lacks a file or holds a different one.

A file is the same in the bucket when its SHA-256 matches: the `sha256` user metadata `rollout sync static`
writes, or S3's own SHA-256 checksum. The ETag is only used when it is a plain MD5 (single-part upload without
SSE-KMS; our bucket uses SSE-KMS, whose ETags are not MD5s), so a file is never called unchanged on a guess.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

IMMUTABLE = "public, max-age=31536000, immutable"
"""For fingerprinted names (app.3f9a1c2b.js): the name changes when the content does."""
DEFAULT_MAX_AGE = 3600
# A content hash in the name, conservatively (a wrong "immutable" serves a stale file for a year): 8+ hex
# characters with both a digit and a letter (app.3f9a1c2b.js, not report-20240101.css), or 8+ characters mixing
# upper case, lower case and digits as Vite/Rollup write them (index-BkX9z2Qa.js, not thumbnail2.png).
_HEX_FINGERPRINT = re.compile(r"[.\-_](?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\.[A-Za-z0-9]+$")
_FINGERPRINT = re.compile(r"[.\-_](?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{8,}"
                          r"\.[A-Za-z0-9]+$")
# Types mimetypes misses or gets wrong on some systems (IANA media types; RFC 9239 for JavaScript).
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".json": "application/json",
          ".map": "application/json", ".svg": "image/svg+xml", ".webp": "image/webp", ".avif": "image/avif",
          ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
          ".wasm": "application/wasm", ".ico": "image/vnd.microsoft.icon", ".webmanifest": "application/manifest+json",
          ".txt": "text/plain", ".html": "text/html", ".xml": "application/xml"}
_TEXT = ("text/", "application/json", "application/xml", "image/svg+xml", "application/manifest+json")
SKIPPED_NAMES = frozenset({".DS_Store", "Thumbs.db"})


@dataclass(frozen=True)
class LocalFile:
    key: str
    path: Path
    size: int
    sha256: str  # hex
    md5: str  # hex
    content_type: str
    cache_control: str

    @property
    def sha256_base64(self) -> str:
        return base64.b64encode(bytes.fromhex(self.sha256)).decode()


@dataclass(frozen=True)
class RemoteObject:
    key: str
    size: int
    etag: str = ""
    sha256: str | None = None  # hex, from the metadata or S3's checksum
    content_type: str | None = None
    cache_control: str | None = None

    @classmethod
    def from_listing(cls, item: Mapping[str, Any]) -> RemoteObject:
        """An entry of ListObjectsV2 `Contents` (optionally merged with HeadObject's answer)."""
        sha = (item.get("Metadata") or {}).get("sha256")
        checksum = item.get("ChecksumSHA256")
        if not sha and checksum and "-" not in checksum:
            sha = base64.b64decode(checksum).hex()
        return cls(key=item["Key"], size=int(item.get("Size", item.get("ContentLength", 0))),
                   etag=str(item.get("ETag", "")).strip('"'), sha256=sha,
                   content_type=item.get("ContentType"), cache_control=item.get("CacheControl"))


@dataclass
class SyncPlan:
    upload: list[tuple[LocalFile, str]] = field(default_factory=list)  # (file, why: new | changed | headers)
    unchanged: list[LocalFile] = field(default_factory=list)
    unverified: list[LocalFile] = field(default_factory=list)  # same size, no checksum to compare
    extra: list[RemoteObject] = field(default_factory=list)  # in the bucket, not in the folder

    @property
    def in_sync(self) -> bool:
        """Every local file is in the bucket with the same content (extra objects do not matter)."""
        return not self.upload and not self.unverified

    @property
    def missing(self) -> list[str]:
        return [f.key for f, why in self.upload if why == "new"]

    @property
    def different(self) -> list[str]:
        return [f.key for f, why in self.upload if why == "changed"]

    def to_json(self) -> dict[str, Any]:
        return {"inSync": self.in_sync, "upload": [{"key": f.key, "why": why, "bytes": f.size,
                                                   "contentType": f.content_type, "cacheControl": f.cache_control}
                                                  for f, why in self.upload],
                "unchanged": len(self.unchanged), "unverified": [f.key for f in self.unverified],
                "extra": [o.key for o in self.extra], "uploadBytes": sum(f.size for f, _ in self.upload)}


def content_type(path: str | Path) -> str:
    suffix = PurePosixPath(str(path)).suffix.lower()
    guessed = _TYPES.get(suffix) or mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith(_TEXT) else guessed


def cache_control(path: str | Path, max_age: int = DEFAULT_MAX_AGE) -> str:
    name = PurePosixPath(str(path)).name
    if _HEX_FINGERPRINT.search(name) or _FINGERPRINT.search(name):
        return IMMUTABLE
    return f"public, max-age={max_age}"


def key_prefix(path_pattern: str) -> str:
    """The bucket prefix of a CDN path pattern: `/static/*` → `static/` (the CDN forwards the path as the key)."""
    prefix = path_pattern.split("*", 1)[0].lstrip("/")
    return prefix if not prefix or prefix.endswith("/") else prefix.rsplit("/", 1)[0] + "/" if "/" in prefix else ""


def scan_folder(folder: Path, prefix: str, max_age: int = DEFAULT_MAX_AGE) -> list[LocalFile]:
    """Every regular file under `folder` (symlinks and hidden files skipped), keyed `prefix` + relative path."""
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(root) / name
            if name.startswith(".") or name in SKIPPED_NAMES or path.is_symlink() or not path.is_file():
                continue
            sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    sha.update(chunk)
                    md5.update(chunk)
            relative = path.relative_to(folder).as_posix()
            files.append(LocalFile(key=f"{prefix}{relative}", path=path, size=path.stat().st_size,
                                   sha256=sha.hexdigest(), md5=md5.hexdigest(), content_type=content_type(name),
                                   cache_control=cache_control(name, max_age)))
    return files


def compare(local: Iterable[LocalFile], remote: Mapping[str, RemoteObject]) -> SyncPlan:
    """What to upload so that the bucket serves every local file; what is already there; what only S3 has."""
    plan = SyncPlan()
    local = list(local)
    keys = {f.key for f in local}
    for item in local:
        there = remote.get(item.key)
        if there is None:
            plan.upload.append((item, "new"))
        elif there.size != item.size:
            plan.upload.append((item, "changed"))
        elif there.sha256 is not None:
            if there.sha256 != item.sha256:
                plan.upload.append((item, "changed"))
            elif (there.content_type, there.cache_control) != (None, None) and (
                    there.content_type != item.content_type or there.cache_control != item.cache_control):
                plan.upload.append((item, "headers"))
            else:
                plan.unchanged.append(item)
        elif re.fullmatch(r"[0-9a-f]{32}", there.etag) and there.etag == item.md5:
            plan.unchanged.append(item)
        else:
            plan.unverified.append(item)
    plan.extra = [o for k, o in sorted(remote.items()) if k not in keys]
    return plan
