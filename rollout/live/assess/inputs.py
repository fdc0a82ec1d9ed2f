"""Checks of what `rollout assess` and `rollout loadtest` are given, before any request is sent: thresholds, the
baseline to compare with, the CA bundle, and where the report is saved. Each returns problems (one line each)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rollout.errors import UserError
from rollout.live.assess.comparison import load_baseline
from rollout.live.assess.network import ssl_context
from rollout.live.assess.thresholds import Threshold, parse_threshold


def thresholds_and_baseline(expressions: list[str], compare: Path | None
                            ) -> tuple[list[Threshold], dict[str, Any] | None, list[str]]:
    """Parsed thresholds, the loaded baseline (None without --compare), and the problems found in either."""
    problems: list[str] = []
    thresholds = []
    for expression in expressions:
        try:
            thresholds.append(parse_threshold(expression))
        except UserError as error:
            problems += error.problems
    baseline = None
    if compare is not None:
        try:
            baseline = load_baseline(compare.read_text(encoding="utf-8"), str(compare))
        except OSError as error:
            problems.append(f"--compare {compare}: {error.strerror}")
        except UnicodeDecodeError:
            problems.append(f"--compare {compare}: not a baseline written by --save (not UTF-8 text)")
        except UserError as error:
            problems += error.problems
    return thresholds, baseline, problems


def ca_bundle_problems(ca_bundle: Path | None) -> list[str]:
    """Refuse a --ca-bundle that holds no CA certificate before any request is made."""
    if ca_bundle is None:
        return []
    try:
        ssl_context(str(ca_bundle))
    except UserError as error:
        return list(error.problems)
    return []


def save_problems(save: Path | None) -> list[str]:
    """Refuse a --save path that cannot be written before spending minutes measuring."""
    if save is not None and not save.parent.is_dir():
        return [f"--save {save}: folder {save.parent} does not exist"]
    return []
