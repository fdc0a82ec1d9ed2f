"""The architecture of one phase as a picture: Mermaid text (for Markdown) or SVG drawn here (no browser needed).

Pure: an Inventory → a small layered model (users → edge/CDN → web tier → cache/database/storage/queues, with
observability beside) → text. What phase N adds is highlighted. Resources that matter to a reader get a node each
(databases, caches, queues, buckets, load balancers...); the many small ones (alarms, log groups, dashboards) are
counted per type, so the diagram stays readable at phase 6.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from rollout.model.inventory import Inventory, Resource, short_type

# tier id, title, SVG column
TIERS: tuple[tuple[str, str, int], ...] = (
    ("edge", "Edge / CDN", 1),
    ("web", "Web tier", 2),
    ("cache", "Cache", 3),
    ("database", "Database", 3),
    ("storage", "Storage", 3),
    ("queues", "Queues", 3),
    ("observability", "Observability", 4),
)

# type token → (tier, one node per resource?)
PLACEMENT: dict[str, tuple[str, bool]] = {
    "cloudflare:index/zone:Zone": ("edge", True),
    "cloudflare:index/ruleset:Ruleset": ("edge", False),
    "cloudflare:index/zoneSetting:ZoneSetting": ("edge", False),
    "aws:cloudfront/distribution:Distribution": ("edge", True),
    "aws:wafv2/webAcl:WebAcl": ("edge", True),
    "aws:lb/loadBalancer:LoadBalancer": ("web", True),
    "aws:autoscaling/group:Group": ("web", True),
    "aws:ec2/instance:Instance": ("web", True),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("cache", True),
    "aws:elasticache/cluster:Cluster": ("cache", True),
    "aws:rds/instance:Instance": ("database", True),
    "aws:rds/cluster:Cluster": ("database", True),
    "aws:rds/clusterInstance:ClusterInstance": ("database", True),
    "aws:dynamodb/table:Table": ("database", True),
    "aws:s3/bucket:Bucket": ("storage", True),
    "aws:s3/bucketV2:BucketV2": ("storage", True),
    "aws:efs/fileSystem:FileSystem": ("storage", True),
    "aws:backup/vault:Vault": ("storage", True),
    "aws:sqs/queue:Queue": ("queues", True),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": ("queues", True),
    "aws:grafana/workspace:Workspace": ("observability", True),
    "aws:amp/workspace:Workspace": ("observability", True),
    "aws:sns/topic:Topic": ("observability", True),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("observability", False),
    "aws:cloudwatch/logGroup:LogGroup": ("observability", False),
    "aws:cloudwatch/dashboard:Dashboard": ("observability", False),
    "aws:route53/healthCheck:HealthCheck": ("observability", False),
    "aws:budgets/budget:Budget": ("observability", False),
    "aws:costexplorer/anomalyMonitor:AnomalyMonitor": ("observability", False),
}

ADDED_STYLE = "fill:#dafbe1,stroke:#1a7f37,stroke-width:2px"


@dataclass
class Node:
    id: str
    label: str
    kind: str
    added: bool = False


@dataclass
class Tier:
    id: str
    title: str
    column: int
    nodes: list[Node] = field(default_factory=list)


@dataclass
class Architecture:
    """What the renderers draw: tiers with nodes, edges between tiers (or nodes), and the highlighted phase."""

    phase: int | None
    tiers: list[Tier]
    edges: list[tuple[str, str, str]]  # (from id, to id, style: "solid" | "dotted" | label text)


def architecture(inventory: Inventory, phase: int | None = None) -> Architecture:
    """Lay out the inventory by tier; `phase` (default: the inventory's) is what gets highlighted."""

    highlight = phase if phase is not None else inventory.phase
    tiers = {tier_id: Tier(tier_id, title, column) for tier_id, title, column in TIERS}
    counted: dict[tuple[str, str], list[Resource]] = {}
    node_of: dict[str, str] = {}
    replicas: list[tuple[str, Resource]] = []
    tier_rank = {t[0]: i for i, t in enumerate(TIERS)}
    placed = sorted(((PLACEMENT[r.type], r) for r in inventory.custom_resources() if r.type in PLACEMENT),
                    key=lambda pr: (tier_rank[pr[0][0]], pr[1].urn))  # stable ids: registration order can vary
    for (tier_id, detailed), resource in placed:
        if not detailed:
            counted.setdefault((tier_id, resource.type), []).append(resource)
            continue
        node = Node(f"n{len(node_of) + 1}", resource.name, _kind(resource, short_type),
                    added=highlight is not None and resource.phase == highlight)
        node_of[resource.urn] = node.id
        tiers[tier_id].nodes.append(node)
        if resource.type == "aws:rds/instance:Instance" and resource.inputs.get("replicateSourceDb"):
            replicas.append((node.id, resource))
    for index, ((tier_id, type_token), members) in enumerate(sorted(counted.items()), start=1):
        new = sum(1 for r in members if highlight is not None and r.phase == highlight)
        label = (f"{len(members)}× " if len(members) > 1 else "") + short_type(type_token) + (f" (+{new} new)" if new and new < len(members) else "")
        tiers[tier_id].nodes.append(Node(f"c{index}", label, "", added=new > 0))
    present = {t.id for t in tiers.values() if t.nodes}
    edges = _tier_edges(present)
    for replica_id, replica in replicas:
        sources = replica.property_dependencies.get("replicateSourceDb") or replica.dependencies
        primary = next((node_of[urn] for urn in sources if urn in node_of), None)
        if primary is not None:
            edges.append((primary, replica_id, "replicates"))
    ordered = [tiers[t[0]] for t in TIERS if t[0] in present]
    if "web" not in present and present & {"edge", "cache", "database", "storage", "queues"}:
        ordered.insert(1 if "edge" in present else 0,
                       Tier("web", "Web tier", 2, [Node("origin", "current origin server", "not managed here")]))
    return Architecture(highlight, ordered, edges)


def _kind(resource: Resource, short_type: object) -> str:
    kind = short_type(resource.type)  # type: ignore[operator]
    if resource.type == "aws:rds/instance:Instance":
        role = "read replica" if resource.inputs.get("replicateSourceDb") else "primary"
        engine = resource.inputs.get("engine")
        return f"{kind} · {engine} {role}" if isinstance(engine, str) else f"{kind} · {role}"
    if resource.type == "aws:sqs/queue:Queue" and resource.inputs.get("fifoQueue") is True:
        return f"{kind} · FIFO"
    return kind


def _tier_edges(present: set[str]) -> list[tuple[str, str, str]]:
    """Request flow: users → edge → web (the origin when the stack has no web tier) → data; web ⇢ observability."""
    app = "web" if present & {"web", "edge", "cache", "database", "storage", "queues"} else None
    edges: list[tuple[str, str, str]] = []
    if "edge" in present:
        edges.append(("users", "edge", "solid"))
        if app:
            edges.append(("edge", app, "solid"))
    elif app:
        edges.append(("users", app, "solid"))
    for data in ("cache", "database", "queues"):
        if data in present and app:
            edges.append((app, data, "solid"))
    if "storage" in present:
        edges.append(("edge" if "edge" in present else app or "users", "storage", "solid"))
    if "observability" in present and app:
        edges.append((app, "observability", "dotted"))
    return edges


# ---------------------------------------------------------------------------------------------------------------
# Mermaid


def to_mermaid(arch: Architecture) -> str:
    lines = ["flowchart LR", '  users(["Users"])']
    for tier in arch.tiers:
        lines.append(f'  subgraph {tier.id}["{_mermaid_text(tier.title)}"]')
        for node in tier.nodes:
            label = _mermaid_text(node.label) + (f"<br/><small>{_mermaid_text(node.kind)}</small>" if node.kind else "")
            lines.append(f'    {node.id}["{label}"]')
        lines.append("  end")
    for source, target, style in arch.edges:
        arrow = "-.->" if style == "dotted" else "-->" if style == "solid" else f"-- {_mermaid_text(style)} -->"
        lines.append(f"  {source} {arrow} {target}")
    added = [n.id for t in arch.tiers for n in t.nodes if n.added]
    lines.append(f"  classDef added {ADDED_STYLE}")
    if added:
        lines.append(f"  class {','.join(added)} added")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def mermaid(inventory: Inventory, phase: int | None = None) -> str:
    """The Mermaid flowchart of an inventory, with what `phase` adds highlighted."""
    return to_mermaid(architecture(inventory, phase))


# ---------------------------------------------------------------------------------------------------------------
# SVG: columns of tier boxes, straight arrows between box edges. Deterministic output (golden-testable).

_NODE_W, _NODE_H, _GAP, _PAD, _TITLE_H, _COL_GAP = 220, 40, 8, 10, 24, 60


def to_svg(arch: Architecture) -> str:
    boxes: dict[str, tuple[int, int, int, int]] = {}
    columns: dict[int, list[Tier]] = {}
    for tier in arch.tiers:
        columns.setdefault(tier.column, []).append(tier)
    body: list[str] = []
    x = 20
    users_h = 40
    boxes["users"] = (x, 20, 100, users_h)
    body.append(_rect(x, 20, 100, users_h, "#ffffff", "#57606a", rx=20))
    body.append(_text(x + 50, 20 + users_h // 2 + 5, "Users", bold=True))
    x += 100 + _COL_GAP
    height = 20 + users_h
    for column in sorted(columns):
        y = 20
        for tier in columns[column]:
            box_h = _TITLE_H + _PAD + len(tier.nodes) * (_NODE_H + _GAP)
            box_w = _NODE_W + 2 * _PAD
            boxes[tier.id] = (x, y, box_w, box_h)
            body.append(_rect(x, y, box_w, box_h, "#f6f8fa", "#d0d7de"))
            body.append(_text(x + box_w // 2, y + 17, tier.title, bold=True))
            ny = y + _TITLE_H
            for node in tier.nodes:
                boxes[node.id] = (x + _PAD, ny, _NODE_W, _NODE_H)
                fill, stroke = ("#dafbe1", "#1a7f37") if node.added else ("#ffffff", "#8c959f")
                body.append(_rect(x + _PAD, ny, _NODE_W, _NODE_H, fill, stroke, width=2 if node.added else 1))
                body.append(_text(x + _PAD + _NODE_W // 2, ny + (16 if node.kind else 25), node.label, bold=True))
                if node.kind:
                    body.append(_text(x + _PAD + _NODE_W // 2, ny + 32, node.kind, size=11))
                ny += _NODE_H + _GAP
            y += box_h + 20
        height = max(height, y)
        x += _NODE_W + 2 * _PAD + _COL_GAP
    arrows = [_arrow(boxes[s], boxes[t], style) for s, t, style in arch.edges if s in boxes and t in boxes]
    legend = f"highlighted: added in phase {arch.phase}" if arch.phase is not None else ""
    width = x - _COL_GAP + 20
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 30}" '
        f'viewBox="0 0 {width} {height + 30}" font-family="Helvetica, Arial, sans-serif">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#57606a"/></marker></defs>',
        f'<rect width="{width}" height="{height + 30}" fill="#ffffff"/>',
        *body, *arrows,
        _text(20, height + 15, legend, size=11, anchor="start"),
        "</svg>",
    ]) + "\n"


def _rect(x: int, y: int, w: int, h: int, fill: str, stroke: str, *, rx: int = 6, width: int = 1) -> str:
    return (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rx}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{width}"/>')


def _text(x: int, y: int, text: str, *, bold: bool = False, size: int = 13, anchor: str = "middle") -> str:
    weight = ' font-weight="bold"' if bold else ""
    return f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}"{weight}>{escape(text)}</text>'


def _arrow(source: tuple[int, int, int, int], target: tuple[int, int, int, int], style: str) -> str:
    sx, sy, sw, sh = source
    tx, ty, tw, th = target
    if tx >= sx + sw:  # target to the right: right edge → left edge
        x1, y1, x2, y2 = sx + sw, sy + sh // 2, tx, ty + th // 2
    else:  # same column (replica under its primary): bottom → top
        x1, y1, x2, y2 = sx + sw // 2, sy + sh, tx + tw // 2, ty
    dash = ' stroke-dasharray="5,4"' if style == "dotted" else ""
    line = (f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#57606a" stroke-width="1.5"{dash} '
            f'marker-end="url(#arrow)"/>')
    if style not in ("solid", "dotted"):
        line += _text((x1 + x2) // 2 + 4, (y1 + y2) // 2 + 4, style, size=10, anchor="start")
    return line


def svg(inventory: Inventory, phase: int | None = None) -> str:
    return to_svg(architecture(inventory, phase))


def svg_to_png(svg_text: str) -> bytes:
    """PNG needs cairosvg (and the cairo library); a clear error names that when it is missing."""
    try:
        import cairosvg  # type: ignore[import-not-found]
    except (ImportError, OSError) as missing:
        raise RuntimeError(
            "png output needs the cairosvg package and the cairo library (pip install cairosvg; "
            "apt install libcairo2); use --format svg or mermaid instead") from missing
    return cairosvg.svg2png(bytestring=svg_text.encode("utf-8"))
