"""Route 53 records: address records point at resources of the program, not at literal addresses (R53-01)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, items
from policies.core import Control, Enforcement, Severity, Subject

RECORD = "aws:route53/record:Record"
_ADDRESS_TYPES = ("A", "AAAA")


def records_attached(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    def computed(record: Subject, prop: str) -> bool:
        """Computed from another resource of the program (a stack reference counts: it names the other stack's)."""
        return bool(record.property_dependencies.get(prop))

    def check(record: Subject) -> Iterator[str]:
        if str(get(record.props, "type", default="")).upper() not in _ADDRESS_TYPES:
            return
        alias = get(record.props, "alias")
        if alias is not None:
            if not computed(record, "alias"):
                yield (
                    f"alias {get(alias, 'name', default='?')} is a literal name, not computed from a load "
                    "balancer, distribution or bucket of the program: nothing tells when its target goes away"
                )
            return
        if computed(record, "records"):
            return
        addresses = [str(a) for a in items(get(record.props, "records"))]
        if addresses:
            yield (
                f"points at literal addresses {', '.join(addresses)}: when one is released, the name answers with "
                "whoever gets the address next (dangling DNS); compute it from an Eip or use an alias"
            )

    yield from each(subjects, [RECORD], check)


CONTROLS = (
    Control(
        id="R53-01",
        title="Address records point at resources of the program",
        severity=Severity.MEDIUM,
        resource_types=(RECORD,),
        check=records_attached,
        stack=True,
        enforcement=Enforcement.ADVISORY,
        description="An A or AAAA record's alias or records must be computed from a resource of the program (a "
        "load balancer, a distribution, an Eip, an instance: through its property dependencies), so "
        "that removing the resource changes the record too; a literal address or alias name left "
        "behind is a subdomain-takeover risk. Advisory: a record pointing at the old server during the "
        "move is literal on purpose. Checkov CKV2_AWS_23 judges A records only and accepts a fixed list "
        "of target types; AAAA records and any resource type count here.",
        remediation="Use alias={name: lb.dns_name, zone_id: lb.zone_id, evaluate_target_health: True} or "
        "records=[eip.public_ip].",
        sources=("CKV2_AWS_23",),
    ),
)
