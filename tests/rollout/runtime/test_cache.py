"""The run cache never serves a stale inventory: every ingredient of a run, changed, is a miss."""

from __future__ import annotations

import json
import os
import stat

import pytest

from rollout.app import plan_stack
from rollout.model.stackfile import load_stack
from rollout.runtime import cache
from rollout.runtime.synth import synthesize
from tests.rollout.programs import write_program

MAIN = '''
import pathlib
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
notes = config.get("notesFile")
tags = {"notes": pathlib.Path(notes).read_text().strip()} if notes else {}
bucket = aws.s3.Bucket("assets", tags=tags)
pulumi.export("token", pulumi.Output.secret("s3cr3t"))
'''


@pytest.fixture
def cache_on(tmp_path, monkeypatch):
    monkeypatch.delenv("ROLLOUT_NO_CACHE", raising=False)
    monkeypatch.setenv("ROLLOUT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def program(tmp_path):
    return write_program(tmp_path / "shop", MAIN, stacks={"dev": "config:\n  aws:region: ap-southeast-1\n"})


def run_counted(program, stack="dev", phase=None, **options):
    """(inventory, cached?, runs) for one cached run of the program."""
    runs = []
    stack_file = load_stack(program, stack)

    def run():
        runs.append(1)
        return synthesize(program, stack, phase=phase, stack_file=stack_file)

    inventory, cached = cache.cached_run(stack_file, phase, run, **options)
    return inventory, cached, len(runs)


def test_an_unchanged_run_is_served_whole_secrets_included(cache_on, program) -> None:
    first, cached, runs = run_counted(program)
    assert (cached, runs) == (False, 1)
    second, cached, runs = run_counted(program)
    assert (cached, runs) == (True, 0)
    assert second == first and second.outputs["token"].value == "s3cr3t"


@pytest.mark.parametrize("change", [
    "program file", "new file", "stack config", "Pulumi.yaml", "environment",
])
def test_any_changed_ingredient_is_a_miss(cache_on, program, monkeypatch, change) -> None:
    run_counted(program)
    if change == "program file":
        (program / "__main__.py").write_text(MAIN.replace('"assets"', '"media"'))
    elif change == "new file":
        (program / "helpers.py").write_text("X = 1\n")
    elif change == "stack config":
        (program / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    elif change == "Pulumi.yaml":
        (program / "Pulumi.yaml").write_text((program / "Pulumi.yaml").read_text() + "description: shop\n")
    else:
        monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "changed")
    _, cached, runs = run_counted(program)
    assert (cached, runs) == (False, 1)


def test_the_phase_is_part_of_the_key(cache_on, program) -> None:
    run_counted(program, phase=None)
    assert run_counted(program, phase=2)[1:] == (False, 1)
    assert run_counted(program, phase=2)[1:] == (True, 0)


def test_a_file_outside_the_program_that_it_reads_is_tracked(cache_on, program, tmp_path) -> None:
    notes = tmp_path / "elsewhere" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("first\n")
    (program / "stacks" / "Pulumi.dev.yaml").write_text(
        f"config:\n  aws:region: ap-southeast-1\n  shopfront:notesFile: {notes}\n")
    first, _, _ = run_counted(program)
    assert run_counted(program)[1:] == (True, 0)
    notes.write_text("second\n")
    changed, cached, runs = run_counted(program)
    assert (cached, runs) == (False, 1)
    assert [r.inputs["tags"] for r in changed if r.name == "assets"] == [{"notes": "second"}]
    assert [r.inputs["tags"] for r in first if r.name == "assets"] == [{"notes": "first"}]


def test_ignored_folders_do_not_invalidate(cache_on, program) -> None:
    run_counted(program)
    (program / ".git").mkdir()
    (program / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (program / "__pycache__").mkdir(exist_ok=True)
    (program / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert run_counted(program)[1:] == (True, 0)


def test_a_failing_run_is_not_stored(cache_on, program) -> None:
    stack_file = load_stack(program, "dev")

    def failing():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cache.cached_run(stack_file, None, failing)
    assert not list(cache_on.glob("*.json")) if cache_on.exists() else True


def test_a_corrupt_entry_is_a_miss_and_is_rewritten(cache_on, program) -> None:
    run_counted(program)
    (entry,) = cache_on.glob("*.json")
    entry.write_text("{not json")
    assert run_counted(program)[1:] == (False, 1)
    assert json.loads(entry.read_text())["format"] == cache.FORMAT


def test_entries_are_private_files_in_a_private_folder(cache_on, program) -> None:
    run_counted(program)
    (entry,) = cache_on.glob("*.json")
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache_on.stat().st_mode) == 0o700


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_off_means_off(cache_on, program, monkeypatch, how) -> None:
    if how == "environment":
        monkeypatch.setenv("ROLLOUT_NO_CACHE", "1")
    options = {"use_cache": False} if how == "argument" else {}
    for _ in range(2):
        assert run_counted(program, **options)[1:] == (False, 1)
    assert not cache_on.exists() or not list(cache_on.glob("*.json"))


def test_never_a_cache_inside_the_project(program, monkeypatch) -> None:
    monkeypatch.delenv("ROLLOUT_NO_CACHE", raising=False)
    monkeypatch.setenv("ROLLOUT_CACHE_DIR", str(program / ".cache"))
    for _ in range(2):
        assert run_counted(program)[1:] == (False, 1)
    assert not (program / ".cache").exists()


def test_pruning_keeps_the_newest(cache_on, monkeypatch) -> None:
    cache_on.mkdir()
    for index in range(5):
        entry = cache_on / f"{index}.json"
        entry.write_text("{}")
        os.utime(entry, (1_000_000 + index, 1_000_000 + index))
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    monkeypatch.setattr(cache, "MAX_AGE_SECONDS", 10**12)
    cache._prune(cache_on)
    assert sorted(p.name for p in cache_on.glob("*.json")) == ["3.json", "4.json"]
    assert cache.clear() == 2 and not list(cache_on.glob("*.json"))


def test_plan_says_when_it_used_the_cache(cache_on, program) -> None:
    seen: list[str] = []
    first = plan_stack(program, "dev")
    second = plan_stack(program, "dev", progress=seen.append)
    assert second.current == first.current
    assert any("cached inventory used" in line for line in seen)
    seen.clear()
    plan_stack(program, "dev", progress=seen.append, cache=False)
    assert not any("cached" in line for line in seen)
