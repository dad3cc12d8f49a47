"""The lineage figure of a memo: sources → datasets → models, as Mermaid text and as SVG.

The SVG is laid out here (columns by derivation depth, rows in case-file order) so that the HTML
and PDF memos need no Graphviz or JavaScript and the same case always gives the same drawing.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import networkx as nx

from ..case.load import LoadedCase
from .facts import CaseFacts, Notes
from .model import Edge

__all__ = ["lineage_figure"]

_W, _H, _GAP_X, _GAP_Y, _PAD = 190, 54, 64, 16, 10
_CHARS = 24
_FILL = {"source": "#f3f3f3", "dataset": "#e8eef7", "model": "#f7ede2"}


def lineage_figure(loaded: LoadedCase, facts: CaseFacts,
                   notes: Notes) -> tuple[str, str, list[Edge]]:
    """Mermaid text, SVG text and the edge list of the case's lineage."""
    case = loaded.case
    graph = nx.DiGraph()
    for kind, records in (("source", case.sources), ("dataset", case.datasets),
                          ("model", case.models)):
        for record in records:
            graph.add_node(record.id, kind=kind, order=graph.number_of_nodes())
    edges: list[Edge] = []
    for i, dataset in enumerate(case.datasets):
        for j, link in enumerate(dataset.derived_from):
            edges.append(Edge(child=dataset.id, parent=link.parent, relation=link.relation,
                              note=notes.at(("datasets", i, "derived_from", j))))
    for i, model in enumerate(case.models):
        for j, parent in enumerate(model.trained_on):
            edges.append(Edge(child=model.id, parent=parent, relation="trained on",
                              note=notes.at(("models", i, "trained_on", j))))
        for j, link in enumerate(model.derived_from):
            edges.append(Edge(child=model.id, parent=link.parent, relation=link.relation,
                              note=notes.at(("models", i, "derived_from", j))))
    for edge in edges:
        graph.add_edge(edge.parent, edge.child, relation=edge.relation)
    return _mermaid(graph, facts, edges), _svg(graph, facts), edges


def _mermaid(graph: nx.DiGraph, facts: CaseFacts, edges: list[Edge]) -> str:
    ids = {node: f"n{i}" for i, node in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for node, data in graph.nodes(data=True):
        label = facts.name(node).replace('"', "'")
        lines.append(f'  {ids[node]}["{label}"]:::{data.get("kind", "source")}')
    lines += [f"  {ids[e.parent]} -->|{e.relation}| {ids[e.child]}" for e in edges]
    return "\n".join(lines)


def _svg(graph: nx.DiGraph, facts: CaseFacts) -> str:
    place: dict[str, tuple[int, int]] = {}
    columns = list(nx.topological_generations(graph)) if graph.number_of_nodes() else []
    for x, column in enumerate(columns):
        for y, node in enumerate(sorted(column, key=lambda n: graph.nodes[n]["order"])):
            place[node] = (_PAD + x * (_W + _GAP_X), _PAD + y * (_H + _GAP_Y))
    width = _PAD * 2 + max(1, len(columns)) * (_W + _GAP_X) - _GAP_X
    height = _PAD * 2 + max([len(c) for c in columns] or [1]) * (_H + _GAP_Y) - _GAP_Y
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" class="lineage" role="img" '
             f'aria-label="Lineage of the model">'),
             ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
             'fill="#555"/></marker></defs>')]
    for parent, child, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = place[parent], place[child]
        parts.append(f'<line x1="{x1 + _W}" y1="{y1 + _H // 2}" x2="{x2}" y2="{y2 + _H // 2}" '
                     f'stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"/>')
        mx, my = (x1 + _W + x2) // 2, (y1 + y2 + _H) // 2 - 3
        parts.append(f'<text x="{mx}" y="{my}" font-size="11" text-anchor="middle" '
                     f'fill="#333">{escape(str(data["relation"]))}</text>')
    for node, (x, y) in place.items():
        kind = graph.nodes[node].get("kind", "source")
        name = facts.name(node)
        label = name.rsplit(" (", 1)[0]
        label = label if len(label) <= _CHARS else label[:_CHARS - 1] + "…"
        parts.append(f'<rect x="{x}" y="{y}" width="{_W}" height="{_H}" rx="4" '
                     f'fill="{_FILL[kind]}" stroke="#444"/>')
        parts.append(f'<text x="{x + _W // 2}" y="{y + 22}" font-size="14" '
                     f'text-anchor="middle">{escape(label)}</text>')
        parts.append(f'<text x="{x + _W // 2}" y="{y + 41}" font-size="11" text-anchor="middle" '
                     f'fill="#555">{escape(kind)}: {escape(node)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
