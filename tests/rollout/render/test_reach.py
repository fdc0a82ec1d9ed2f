"""The reach table: sources as rows, targets as columns, ports or a dot."""

from policies.network import Edge, Node, Reach
from rollout.analysis.reach import matrix
from rollout.render.reach import reach_lines, reach_table


def _graph():
    graph = Reach({"internet": Node("internet", "internet", "internet"),
                   "lb": Node("lb", "load-balancer", "load balancer alb"),
                   "db": Node("db", "database", "database db")})
    graph.edges.append(Edge("internet", "lb", ("tcp/443",), "public CIDR"))
    graph.edges.append(Edge("lb", "db", ("tcp/5432",), "security group"))
    return graph


def test_table_has_a_row_per_source_and_a_column_per_target():
    from rich.console import Console

    result = matrix(_graph())
    table = reach_table(result, title="t")
    assert [c.header for c in table.columns] == ["from \\ to", "load balancer alb", "database db"]
    assert table.row_count == 2
    console = Console(width=120, record=True)
    console.print(table)
    text = console.export_text()
    assert "tcp/443" in text and "tcp/5432" in text and "·" in text


def test_lines():
    assert reach_lines(matrix(_graph())) == ["internet -> load balancer alb: tcp/443",
                                             "load balancer alb -> database db: tcp/5432"]
