"""Findings as documents and tables: the JSON of `rollout check`/`audit`, SARIF 2.1.0 for code scanning, a rich table."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from policies.core import Control, Enforcement, Finding, Severity
from rollout.analysis.findings import family, summarize

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub code scanning reads `security-severity` (0-10) to rank alerts: critical > 9, high 7-8.9, medium 4-6.9.
SECURITY_SEVERITY = {Severity.ERROR: "8.5", Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}


def findings_json(findings: Sequence[Finding], *, controls: Sequence[Control], resources_evaluated: int,
                  extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One JSON document: `extra` keys (e.g. stack, phase) first, then `findings` and `summary`."""
    return {
        **dict(extra or {}),
        "findings": [f.to_json() for f in findings],
        "summary": summarize(findings, controls=controls, resources_evaluated=resources_evaluated),
    }


def _rule(control: Control) -> dict[str, Any]:
    level = "error" if control.enforcement is Enforcement.MANDATORY else "warning"
    help_text = f"{control.description}\n\nRemediation: {control.remediation}\n\nSources: {', '.join(control.sources)}"
    return {
        "id": control.id,
        "name": "".join(word.capitalize() for word in control.title.replace("-", " ").split() if word.isalnum()) or control.id,
        "shortDescription": {"text": control.title},
        "fullDescription": {"text": control.description},
        "help": {"text": help_text,
                 "markdown": f"{control.description}\n\n**Remediation:** {control.remediation}\n\n"
                             f"**Sources:** {', '.join(control.sources)}"},
        "defaultConfiguration": {"level": level},
        "properties": {
            "security-severity": SECURITY_SEVERITY[control.severity],
            "severity": control.severity.value,
            "enforcement": control.enforcement.value,
            "tags": [family(control), control.severity.value, *control.resource_types, *control.sources],
            "precision": "high",
        },
    }


def _level(finding: Finding) -> str:
    if finding.status == "unknown":
        return "none"
    return "error" if finding.enforcement is Enforcement.MANDATORY else "warning"


def _result(finding: Finding, rule_index: int, artifact_uri: str | None) -> dict[str, Any]:
    location: dict[str, Any] = {"logicalLocations": [
        {"fullyQualifiedName": finding.urn, "name": finding.name, "kind": "resource"}]}
    if artifact_uri:
        # Relative to the repository root (%SRCROOT%), as code scanning maps alerts to files of the checkout.
        location["physicalLocation"] = {"artifactLocation": {"uri": artifact_uri, "uriBaseId": "%SRCROOT%"},
                                        "region": {"startLine": 1}}
    fingerprint = hashlib.sha256(f"{finding.control}\0{finding.urn}\0{finding.message}".encode()).hexdigest()
    result: dict[str, Any] = {
        "ruleId": finding.control,
        "ruleIndex": rule_index,
        "kind": "review" if finding.status == "unknown" else "fail",
        "level": _level(finding),
        "message": {"text": f"{finding.name} ({finding.type}): {finding.message}"
                            + (" [unknown until apply]" if finding.status == "unknown" else "")},
        "locations": [location],
        "partialFingerprints": {"rolloutFinding/v1": fingerprint},
        "properties": {"urn": finding.urn, "status": finding.status, "severity": finding.severity.value,
                       "enforcement": finding.enforcement.value},
    }
    if finding.waived:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": finding.waiver_reason or ""}]
    return result


def findings_sarif(findings: Sequence[Finding], *, controls: Sequence[Control], tool_name: str, tool_version: str,
                   artifact_uri: str | None = None, warnings: Sequence[str] = ()) -> dict[str, Any]:
    """SARIF 2.1.0: one rule per control, one result per finding (with the URN as logical location and, when
    `artifact_uri` is given, the stack file, relative to the repository root, as physical location); `warnings`
    become the invocation's tool execution notifications."""
    ordered = sorted(controls, key=lambda c: c.id)
    index = {c.id: i for i, c in enumerate(ordered)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": tool_name, "version": tool_version, "semanticVersion": tool_version,
                                "informationUri": "https://github.com/sme-rollout/sme-rollout",
                                "rules": [_rule(c) for c in ordered]}},
            "results": [_result(f, index[f.control], artifact_uri) for f in findings if f.control in index],
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": [
                {"level": "warning", "message": {"text": line}} for line in warnings]}],
        }],
    }


_STYLE = {Severity.ERROR: "bold magenta", Severity.CRITICAL: "bold red", Severity.HIGH: "red", Severity.MEDIUM: "yellow", Severity.LOW: "cyan"}


def render_table(findings: Sequence[Finding], summary: Mapping[str, Any], *, title: str = "Compliance findings"):
    """A rich renderable: apply errors (what the cloud API would reject) in their own table first, then the
    compliance findings, then a one-line summary."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from rollout.model.inventory import short_type

    def table_of(rows: Sequence[Finding], caption: str) -> Table:
        # Four columns (severity, level and status share one; the type is short), so that 80 columns stay readable.
        table = Table(title=caption, show_lines=False, expand=False, title_justify="left")
        table.add_column("Control", no_wrap=True)
        table.add_column("Severity", no_wrap=True)
        table.add_column("Resource", overflow="fold", ratio=1)
        table.add_column("Message", overflow="fold", ratio=2)
        for finding in rows:
            status = "waived" if finding.waived else finding.status
            message = finding.message + (f" (waived: {finding.waiver_reason})" if finding.waived else "")
            severity = Text(finding.severity.value, style=_STYLE[finding.severity])
            severity.append(f"\n{finding.enforcement.value}" + ("" if status == "violation" else f"\n{status}"),
                            style="dim")
            resource = Text(finding.name)
            resource.append(f"\n{short_type(finding.type)}", style="dim")
            table.add_row(finding.control, severity, resource, Text(message))
        return table

    applies = [f for f in findings if family(f) == "apply"]
    others = [f for f in findings if family(f) != "apply"]
    tables = ([table_of(applies, "Apply errors (the cloud API would reject these)")] if applies else []) + \
        ([table_of(others, title)] if others else [])
    by_severity = ", ".join(f"{k} {v}" for k, v in summary["by_severity"].items())
    footer = Text(
        f"{summary['violations']} open violation(s) ({summary['mandatory_violations']} mandatory; {by_severity}), "
        f"{summary['unknown']} unknown, {summary['waived']} waived; {summary['controls_evaluated']} controls on "
        f"{summary['resources_evaluated']} resources.")
    return Group(*tables, footer) if findings else Group(Text("No findings."), footer)
