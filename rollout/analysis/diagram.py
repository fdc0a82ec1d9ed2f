"""The architecture of one phase as a picture: Mermaid text (for Markdown) or SVG drawn here (no browser needed).

Pure: an Inventory → a small layered model (users → edge/CDN → load balancer → web tier → cache/database, with
storage, queues and observability beside) → text. The containers are drawn as boxes holding what runs in them:
the AWS region, the VPC, its public subnets (load balancer, NAT gateways) and private subnets (web tier, cache,
database); buckets, queues and observability are regional services outside the VPC; the edge and the current
origin server are outside AWS. Arrows run in the gaps between boxes (never through one). What phase N adds is
highlighted. Resources that matter to a reader get a node each; the many small ones (alarms, log groups,
dashboards) are counted per type, so the diagram stays readable at phase 6.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from rollout.model.inventory import Inventory, Resource, short_type

# tier id, title, SVG column
TIERS: tuple[tuple[str, str, int], ...] = (
    ("edge", "Edge / CDN", 1),
    ("ingress", "Load balancer", 2),
    ("nat", "NAT", 2),
    ("web", "Web tier", 3),
    ("cache", "Cache", 4),
    ("database", "Database", 4),
    ("storage", "Storage", 5),
    ("queues", "Queues", 5),
    ("observability", "Observability", 5),
)
# Where each tier runs: outside AWS, in the VPC's public or private subnets, or a regional service (no VPC).
ZONE = {"edge": "internet", "ingress": "public", "nat": "public", "web": "private", "cache": "private",
        "database": "private", "storage": "regional", "queues": "regional", "observability": "regional"}

# type token → (tier, one node per resource?)
PLACEMENT: dict[str, tuple[str, bool]] = {
    "cloudflare:index/zone:Zone": ("edge", True),
    "cloudflare:index/ruleset:Ruleset": ("edge", False),
    "cloudflare:index/zoneSetting:ZoneSetting": ("edge", False),
    "aws:cloudfront/distribution:Distribution": ("edge", True),
    "aws:wafv2/webAcl:WebAcl": ("edge", True),
    "aws:lb/loadBalancer:LoadBalancer": ("ingress", True),
    "aws:ec2/natGateway:NatGateway": ("nat", True),
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
    title: str = ""
    vpc: bool = False  # the inventory has a VPC: the private/public tiers are drawn inside it

    def zone(self, tier: Tier) -> str:
        """internet | public | private | regional; without a VPC the subnet tiers are regional too."""
        if tier.id == "web" and [n.id for n in tier.nodes] == ["origin"]:
            return "internet"  # the current server, not managed here
        zone = ZONE.get(tier.id, "regional")
        return zone if self.vpc or zone in ("internet", "regional") else "regional"


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
        label = (f"{len(members)}× " if len(members) > 1 else "") + short_type(type_token)
        kind = f"+{new} new in phase {highlight}" if new and new < len(members) else ""
        tiers[tier_id].nodes.append(Node(f"c{index}", label, kind, added=new > 0))
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
                       Tier("web", "Current server", 1, [Node("origin", "current origin server", "not managed here")]))
    title = f"{inventory.project} · stack {inventory.stack}" + (f" · phase {inventory.phase}"
                                                              if inventory.phase is not None else "")
    has_vpc = any(r.type == "aws:ec2/vpc:Vpc" for r in inventory.custom_resources())
    return Architecture(highlight, ordered, edges, title, has_vpc)


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
    """Request flow: users → edge → load balancer → web (the origin when the stack has no web tier) → data;
    web ⇢ observability."""
    app = "web" if present & {"web", "edge", "cache", "database", "storage", "queues"} else None
    front = "ingress" if "ingress" in present and app else app
    edges: list[tuple[str, str, str]] = []
    if "edge" in present:
        edges.append(("users", "edge", "solid"))
        if front:
            edges.append(("edge", front, "solid"))
    elif front:
        edges.append(("users", front, "solid"))
    if front == "ingress":
        edges.append(("ingress", "web", "solid"))
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
    lines = ([f"---\ntitle: {_mermaid_text(arch.title)}\n---"] if arch.title else []) + \
        ["flowchart LR", '  users(["Users"])']
    by_zone: dict[str, list[Tier]] = {}
    for tier in arch.tiers:
        by_zone.setdefault(arch.zone(tier), []).append(tier)

    def tier_lines(tier: Tier, indent: str) -> list[str]:
        out = [f'{indent}subgraph {tier.id}["{_mermaid_text(tier.title)}"]']
        for node in tier.nodes:
            label = _mermaid_text(node.label) + (f"<br/><small>{_mermaid_text(node.kind)}</small>" if node.kind else "")
            out.append(f'{indent}  {node.id}["{label}"]')
        return out + [f"{indent}end"]

    for tier in by_zone.get("internet", []):
        lines += tier_lines(tier, "  ")
    if by_zone.keys() & {"public", "private", "regional"}:
        lines.append('  subgraph aws["AWS region"]')
        if by_zone.keys() & {"public", "private"}:
            lines.append('    subgraph vpc["VPC"]')
            for zone, title in (("public", "Public subnets"), ("private", "Private subnets")):
                if zone in by_zone:
                    lines.append(f'      subgraph {zone}["{title}"]')
                    for tier in by_zone[zone]:
                        lines += tier_lines(tier, "        ")
                    lines.append("      end")
            lines.append("    end")
        for tier in by_zone.get("regional", []):
            lines += tier_lines(tier, "    ")
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
# SVG: containers (AWS region ⊃ VPC ⊃ public/private subnets ⊃ tiers ⊃ nodes) laid out in columns; orthogonal
# arrows routed through the gaps, checked against every box they do not start or end in. Deterministic output.

_NODE_W, _NODE_H, _GAP, _PAD, _TITLE_H, _COL_GAP = 220, 40, 8, 10, 24, 56
_BOX_PAD, _BOX_TITLE = 14, 26
# Average glyph width of Helvetica, bold 13 px and regular 11 px, to keep labels inside their node.
_CHAR_W = {13: 7.9, 11: 6.3}

Rect = tuple[int, int, int, int]


def _fit(text: str, size: int, width: int) -> str:
    room = int((width - 12) / _CHAR_W[size])
    return text if len(text) <= room else text[:room - 1] + "…"


class _Layout:
    """Boxes (x, y, w, h) by id, each with its parent container; drawn in order (containers first)."""

    def __init__(self) -> None:
        self.boxes: dict[str, Rect] = {}
        self.parent: dict[str, str | None] = {}
        self.kind: dict[str, str] = {}

    def add(self, box_id: str, rect: Rect, parent: str | None, kind: str) -> None:
        self.boxes[box_id], self.parent[box_id], self.kind[box_id] = rect, parent, kind

    def lineage(self, box_id: str) -> set[str]:
        found: set[str] = set()
        current: str | None = box_id
        while current is not None:
            found.add(current)
            current = self.parent.get(current)
        return found


def _tier_size(tier: Tier) -> tuple[int, int]:
    return _NODE_W + 2 * _PAD, _TITLE_H + _PAD + len(tier.nodes) * (_NODE_H + _GAP)


def _stack(layout: _Layout, tiers: list[Tier], x: int, y: int, parent: str | None) -> tuple[int, int]:
    """Tiers one under another from (x, y); returns the column's (width, bottom)."""
    width, bottom = 0, y
    for tier in tiers:
        w, h = _tier_size(tier)
        layout.add(tier.id, (x, bottom, w, h), parent, "tier")
        ny = bottom + _TITLE_H
        for node in tier.nodes:
            layout.add(node.id, (x + _PAD, ny, _NODE_W, _NODE_H), tier.id, "node")
            ny += _NODE_H + _GAP
        width, bottom = max(width, w), bottom + h + 16
    return width, bottom - 16 if tiers else y


def _layout(arch: Architecture) -> tuple[_Layout, int, int]:
    layout = _Layout()
    zones: dict[str, list[Tier]] = {}
    for tier in arch.tiers:
        zones.setdefault(arch.zone(tier), []).append(tier)
    top = 56 if arch.title else 20
    layout.add("users", (20, top + _BOX_TITLE + 2 * _BOX_PAD, 100, 40), None, "users")
    x = 20 + 100 + _COL_GAP
    bottom = top + 40
    internet = zones.get("internet", [])
    if internet:
        w, b = _stack(layout, internet, x, top + _BOX_TITLE + 2 * _BOX_PAD, None)
        x, bottom = x + w + _COL_GAP, max(bottom, b)
    if zones.keys() & {"public", "private", "regional"}:
        region_x, region_y = x, top
        inner_x, inner_y = region_x + _BOX_PAD, region_y + _BOX_TITLE + _BOX_PAD + 18  # 18: a lane under the title
        region_bottom = inner_y
        if zones.keys() & {"public", "private"}:
            vpc_x, vpc_y = inner_x, inner_y
            sub_y = vpc_y + _BOX_TITLE
            sx = vpc_x + _BOX_PAD
            vpc_bottom = sub_y
            for zone in ("public", "private"):
                if zone not in zones:
                    continue
                columns: dict[int, list[Tier]] = {}
                for tier in zones[zone]:
                    columns.setdefault(tier.column, []).append(tier)
                cx, sub_bottom = sx + _BOX_PAD, sub_y + _BOX_TITLE
                for column in sorted(columns):
                    w, b = _stack(layout, columns[column], cx, sub_y + _BOX_TITLE, zone)
                    cx, sub_bottom = cx + w + _COL_GAP, max(sub_bottom, b)
                sub_w = cx - _COL_GAP + _BOX_PAD - sx
                layout.add(zone, (sx, sub_y, sub_w, sub_bottom + _BOX_PAD - sub_y), "vpc", "subnets")
                sx += sub_w + _COL_GAP
                vpc_bottom = max(vpc_bottom, sub_bottom + _BOX_PAD)
            vpc_w = sx - _COL_GAP + _BOX_PAD - vpc_x
            layout.add("vpc", (vpc_x, vpc_y, vpc_w, vpc_bottom + _BOX_PAD - vpc_y), "aws", "vpc")
            inner_x, region_bottom = vpc_x + vpc_w + _COL_GAP, vpc_bottom + _BOX_PAD
        regional = zones.get("regional", [])
        if regional:
            w, b = _stack(layout, regional, inner_x, inner_y, "aws")
            inner_x, region_bottom = inner_x + w + _COL_GAP, max(region_bottom, b)
        region_w = inner_x - _COL_GAP + _BOX_PAD - region_x
        region_h = region_bottom + _BOX_PAD + 18 - region_y  # 18: a lane along the bottom
        layout.add("aws", (region_x, region_y, region_w, region_h), None, "region")
        x, bottom = region_x + region_w + 20, max(bottom, region_y + region_h)
    return layout, x, bottom


def _segments(points: list[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    return list(zip(points, points[1:]))


def _crosses(segment: tuple[tuple[int, int], tuple[int, int]], rect: Rect) -> bool:
    """An axis-parallel segment that enters the rectangle's interior (touching its edge does not count)."""
    (x1, y1), (x2, y2) = segment
    x, y, w, h = rect
    lo_x, hi_x, lo_y, hi_y = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
    return lo_x < x + w and hi_x > x and lo_y < y + h and hi_y > y


def route(layout: _Layout, source: str, target: str) -> list[tuple[int, int]]:
    """Orthogonal points from `source` to `target` that cross no box except containers of either end: the first
    clean candidate of straight, elbow in either gap, or along the lane above or below everything."""
    sx, sy, sw, sh = layout.boxes[source]
    tx, ty, tw, th = layout.boxes[target]
    allowed = layout.lineage(source) | layout.lineage(target)
    obstacles = [rect for box_id, rect in layout.boxes.items() if box_id not in allowed]
    if tx >= sx + sw:
        x1, y1, x2, y2 = sx + sw, sy + sh // 2, tx, ty + th // 2
        region = layout.boxes.get("aws")
        top_lane = region[1] + _BOX_TITLE + _BOX_PAD // 2 + 2 if region else min(y1, y2) - 20
        bottom_lane = region[1] + region[3] - 12 if region else max(y1, y2) + 20
        near, far = x1 + _COL_GAP // 2, x2 - _COL_GAP // 2
        candidates = [[(x1, y1), (x2, y2)]] if y1 == y2 else []
        candidates += [[(x1, y1), (gap, y1), (gap, y2), (x2, y2)] for gap in (near, far, (x1 + x2) // 2)]
        candidates += [[(x1, y1), (near, y1), (near, lane), (far, lane), (far, y2), (x2, y2)]
                       for lane in (top_lane, bottom_lane)]
    else:  # below in the same column (a replica under its primary): down the right side
        x1, y1, x2, y2 = sx + sw, sy + sh // 2, tx + tw, ty + th // 2
        side = max(x1, x2) + _PAD
        candidates = [[(x1, y1), (side, y1), (side, y2), (x2, y2)]]
    for points in candidates:
        if not any(_crosses(seg, rect) for seg in _segments(points) for rect in obstacles):
            return points
    return candidates[0]


_STYLE = {"region": ("#ffffff", "#ff9900", 6, "AWS region"), "vpc": ("#f5fbff", "#0969da", 6, "VPC"),
          "subnets": ("#ffffff", "#54aeff", 6, ""), "tier": ("#f6f8fa", "#d0d7de", 6, ""),
          "users": ("#ffffff", "#57606a", 20, "Users")}


def to_svg(arch: Architecture) -> str:
    layout, width, bottom = _layout(arch)
    titles = {tier.id: tier.title for tier in arch.tiers} | {"public": "Public subnets", "private": "Private subnets"}
    nodes = {node.id: node for tier in arch.tiers for node in tier.nodes}
    body: list[str] = []
    for box_id in sorted(layout.boxes, key=lambda b: len(layout.lineage(b))):  # containers under what they hold
        x, y, w, h = layout.boxes[box_id]
        kind = layout.kind[box_id]
        if kind == "node":
            node = nodes[box_id]
            fill, stroke = ("#dafbe1", "#1a7f37") if node.added else ("#ffffff", "#8c959f")
            body.append(_rect(x, y, w, h, fill, stroke, width=2 if node.added else 1))
            body.append(_text(x + w // 2, y + (16 if node.kind else 25), _fit(node.label, 13, w), bold=True))
            if node.kind:
                body.append(_text(x + w // 2, y + 32, _fit(node.kind, 11, w), size=11))
            continue
        fill, stroke, rx, label = _STYLE[kind]
        body.append(_rect(x, y, w, h, fill, stroke, rx=rx, width=2 if kind in ("region", "vpc") else 1))
        label = titles.get(box_id, label)
        if kind == "users":
            body.append(_text(x + w // 2, y + h // 2 + 5, label, bold=True))
        elif kind == "tier":
            body.append(_text(x + w // 2, y + 17, _fit(label, 13, w), bold=True))
        else:
            body.append(_text(x + 10, y + 18, label, bold=True, anchor="start"))
    arrows = [_path(route(layout, s, t), style) for s, t, style in arch.edges
              if s in layout.boxes and t in layout.boxes]
    legend = f"green: added in phase {arch.phase}" if arch.phase is not None else ""
    height = bottom + 36
    title = [_text(20, 32, arch.title, bold=True, size=18, anchor="start")] if arch.title else []
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#57606a"/></marker></defs>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        *title, *body, *arrows,
        _text(20, height - 12, legend, size=11, anchor="start"),
        "</svg>",
    ]) + "\n"


def _rect(x: int, y: int, w: int, h: int, fill: str, stroke: str, *, rx: int = 6, width: int = 1) -> str:
    return (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rx}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{width}"/>')


def _text(x: int, y: int, text: str, *, bold: bool = False, size: int = 13, anchor: str = "middle") -> str:
    weight = ' font-weight="bold"' if bold else ""
    return f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}"{weight}>{escape(text)}</text>'


def _path(points: list[tuple[int, int]], style: str) -> str:
    dash = ' stroke-dasharray="5,4"' if style == "dotted" else ""
    d = " ".join(f"{'M' if i == 0 else 'L'} {x} {y}" for i, (x, y) in enumerate(points))
    line = (f'<path d="{d}" fill="none" stroke="#57606a" stroke-width="1.5"{dash} marker-end="url(#arrow)"/>')
    if style not in ("solid", "dotted"):
        (x1, y1), (_, y2) = points[1], points[2]
        line += _text(x1 + 4, (y1 + y2) // 2 + 4, style, size=10, anchor="start")
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
