"""The lineage graph of a case and its closure, computed outside the solver.

Sources, datasets and models are nodes; ``derived_from`` and ``trained_on`` are typed edges from
child to parent.  The closure is a breadth-first search over plain sets (measured 4–10× faster
than solving it in clingo, and far faster than pyDatalog's recursion), with a witness path for
each pair so that a proof can say *how* a model descends from a source.  Rules see the result as
facts: ``derives(Child, Ancestor, Depth)`` and ``derives_by(Child, Ancestor, Relation)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from .case.load import format_path
from .case.model import Case
from .errors import CaseFileError
from .facts import Fact, Origin
from .rulebook.model import PredicateDecl

__all__ = ["MAX_LINEAGE_DEPTH", "MAX_LINEAGE_PAIRS", "Lineage", "build_lineage",
           "lineage_predicates"]

MAX_LINEAGE_PAIRS = 200_000
"""Most (artefact, ancestor) pairs in a lineage: each becomes facts and a witness path."""
MAX_LINEAGE_DEPTH = 64
"""Most derivation steps from an artefact to its furthest ancestor."""

Locate = Callable[[tuple[str | int, ...]], tuple[int | None, int | None]]


def lineage_predicates() -> dict[str, PredicateDecl]:
    return {
        "derives": PredicateDecl(
            name="derives", kind="base", args=["child artefact", "ancestor artefact",
                                               "shortest number of derivation steps"],
            meaning="The child was made, directly or through intermediate artefacts, from the "
                    "ancestor (lineage closure computed by the engine)."),
        "derives_by": PredicateDecl(
            name="derives_by", kind="base", args=["child artefact", "ancestor artefact",
                                                  "edge kind"],
            meaning="Some derivation path from the ancestor to the child has an edge of this "
                    "kind (finetune, distill, trained_on, copy, ...)."),
    }


@dataclass
class Lineage:
    graph: nx.MultiDiGraph
    facts: dict[Fact, Origin]


def build_lineage(case: Case, file: str, locate: Locate | None = None) -> Lineage:
    graph = nx.MultiDiGraph()
    place: dict[tuple[str, str], tuple[str | int, ...]] = {}
    for kind, records in (("source", case.sources), ("dataset", case.datasets),
                          ("model", case.models)):
        for record in records:
            graph.add_node(record.id, kind=kind)
    for i, dataset in enumerate(case.datasets):
        for j, edge in enumerate(dataset.derived_from):
            graph.add_edge(dataset.id, edge.parent, relation=edge.relation)
            place[(dataset.id, edge.parent)] = ("datasets", i, "derived_from", j)
    for i, model in enumerate(case.models):
        for j, parent in enumerate(model.trained_on):
            graph.add_edge(model.id, parent, relation="trained_on")
            place[(model.id, parent)] = ("models", i, "trained_on", j)
        for j, edge in enumerate(model.derived_from):
            graph.add_edge(model.id, edge.parent, relation=edge.relation)
            place[(model.id, edge.parent)] = ("models", i, "derived_from", j)

    cycle = next(iter(nx.simple_cycles(nx.DiGraph(graph))), None)
    if cycle:
        where = place.get((cycle[0], cycle[1 % len(cycle)]), ())
        line, column = locate(where) if locate else (None, None)
        raise CaseFileError.single("CE121", "lineage cycle: " + " → ".join(cycle + cycle[:1]),
                                   file=file, line=line, column=column,
                                   path=_path(where),
                                   expected="artefacts that derive only from earlier ones")
    parents: dict[str, list[tuple[str, str]]] = {n: [] for n in graph.nodes}
    for child, parent, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])):
        parents[child].append((parent, data["relation"]))

    order = list(reversed(list(nx.topological_sort(nx.DiGraph(graph)))))  # parents first
    _check_size(order, parents, place, file, locate)
    # ancestor → (depth, next hop towards it, relations on some path); children before parents
    reach: dict[str, dict[str, tuple[int, str, frozenset[str]]]] = {}
    for node in order:
        out: dict[str, tuple[int, str, frozenset[str]]] = {}
        for parent, relation in parents[node]:
            candidates = [(parent, (1, parent, frozenset({relation})))]
            candidates += [(a, (d + 1, parent, k | {relation}))
                           for a, (d, _, k) in reach[parent].items()]
            for ancestor, (d, hop, k) in candidates:
                old = out.get(ancestor)
                out[ancestor] = (d, hop, k) if old is None or (d, hop) < old[:2] \
                    else (old[0], old[1], old[2] | k)
        reach[node] = out

    facts: dict[Fact, Origin] = {}
    for child in sorted(graph.nodes):
        for ancestor, (depth, _, relations) in sorted(reach[child].items()):
            path = [child]
            while path[-1] != ancestor:
                path.append(reach[path[-1]][ancestor][1])
            first = place[(path[0], path[1])]
            line, column = locate(first) if locate else (None, None)
            origin = Origin(file, "lineage " + " ← ".join(path), line, column)
            facts[Fact("derives", (child, ancestor, depth))] = origin
            for relation in sorted(relations):
                facts[Fact("derives_by", (child, ancestor, relation))] = origin
    return Lineage(graph, facts)


def _check_size(order: list[str], parents: dict[str, list[tuple[str, str]]],
                place: dict[tuple[str, str], tuple[str | int, ...]], file: str,
                locate: Locate | None) -> None:
    """Refuse a lineage whose closure would pass the limits, counting the pairs (and each
    artefact's depth) parents first, before any witness path is built."""
    ancestors: dict[str, set[str]] = {}
    depth: dict[str, int] = {}
    total = 0
    for node in order:
        mine: set[str] = set()
        depth[node] = 0
        for parent, _ in parents[node]:
            mine.add(parent)
            mine |= ancestors[parent]
            depth[node] = max(depth[node], depth[parent] + 1)
        ancestors[node] = mine
        total += len(mine)
        problem = None
        if total > MAX_LINEAGE_PAIRS:
            problem = (f"the lineage has more than {MAX_LINEAGE_PAIRS} artefact-ancestor pairs",
                       f"at most {MAX_LINEAGE_PAIRS} pairs")
        elif depth[node] > MAX_LINEAGE_DEPTH:
            far = f"{node!r} is more than {MAX_LINEAGE_DEPTH} steps from its furthest ancestor"
            problem = (far, f"at most {MAX_LINEAGE_DEPTH} steps")
        if problem:
            where = place[(node, parents[node][0][0])]
            line, column = locate(where) if locate else (None, None)
            raise CaseFileError.single("CE122", problem[0], file=file, line=line, column=column,
                                       path=_path(where), expected=problem[1])


def _path(where: tuple[str | int, ...]) -> str | None:
    return format_path(where) or None
