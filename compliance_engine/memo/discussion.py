"""Proof trees in words: the Rule, Explanation, Application and counter-arguments of an issue.

A proof node becomes one :class:`Line`; a fact leaf is stated in the words of the case file with
its footnote, a rule node by its statement with its authorities.  Nothing is paraphrased from
anywhere else, so every sentence of a discussion traces to a rule, an authority or a fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..result import AuthorityRef, Explanation, Finding, Flip, MissingFact, ReadingOutcome
from ..rulebook.model import Rulebook
from .facts import CaseFacts
from .model import Cite, Line, RuleStatement

__all__ = ["Verbaliser"]

_ATOM = re.compile(r"^(?P<pred>[a-z_0-9]+)\((?P<args>[^()]*)\)(?P<rest>.*)$")
_RULE_DEPTH = 2      # rules stated in the Rule part: the finding's rule and its elements
_QUOTES = 12         # at most this many authorities quoted in the Explanation part


class Verbaliser:
    def __init__(self, facts: CaseFacts, rulebook: Rulebook) -> None:
        self.facts = facts
        self.rulebook = rulebook

    # -- whole trees ---------------------------------------------------------------------

    def tree(self, root: Explanation, max_depth: int | None = None, *, cites: bool = True,
             shown: dict[str, str] | None = None, label: str = "",
             rest: str = "not shown here") -> list[Line]:
        """The tree as indented lines; below ``max_depth`` a line says how much is left out.

        A rule applied to a conclusion already drawn (in this tree, or in another tree sharing
        ``shown``) is drawn once and then referred to.  Without ``cites`` (the rules are stated
        with their authorities elsewhere) lines name the rule only, and comparisons of a value
        with itself, which only select the rule, are left out."""
        lines: list[Line] = []
        shown = {} if shown is None else shown

        def walk(node: Explanation, depth: int) -> None:
            if not cites and _trivial(node):
                return
            key = f"{node.rule} {node.conclusion}"
            line = self.line(node, depth)
            if not cites and node.kind != "reading":  # readings are not in the rule table
                line = line.model_copy(update={"cites": []})
            if node.rule is not None and node.children and key in shown:
                where = f" in {shown[key]}" if shown[key] != label else " above"
                lines.append(line.model_copy(update={"text": f"{line.text} (shown{where})",
                                                     "cites": []}))
                return
            lines.append(line)
            if not node.children:
                return
            if node.rule is not None:
                shown[key] = label
            if max_depth is not None and depth >= max_depth:
                lines.append(Line(depth=depth + 1, text=f"… {_count(node)} further steps, "
                                                        f"{rest}"))
                return
            for child in node.children:
                walk(child, depth + 1)

        walk(root, 0)
        return lines

    def rules(self, root: Explanation) -> list[RuleStatement]:
        found: dict[str, RuleStatement] = {}
        for node, depth in _nodes(root):
            if depth <= _RULE_DEPTH and node.rule and node.rule not in found and node.statement:
                found[node.rule] = RuleStatement(rule=node.rule, statement=node.statement,
                                                 cites=_cites(node.authorities))
        return list(found.values())

    def quotes(self, root: Explanation) -> list[Line]:
        seen: dict[tuple[str, str], Line] = {}
        for node, _ in _nodes(root):
            for a in node.authorities:
                if a.quote and (a.cite, a.quote) not in seen and len(seen) < _QUOTES:
                    seen[(a.cite, a.quote)] = Line(depth=0, text=f"“{a.quote}”", rule=node.rule,
                                                   cites=_cites([a]))
        return list(seen.values())

    # -- counter-arguments ---------------------------------------------------------------

    def readings(self, readings: Sequence[ReadingOutcome], what: str) -> list[Line]:
        lines: list[Line] = []
        point = None
        for r in readings:
            if r.point != point:
                point = r.point
                lines.append(Line(depth=0, text=f"Contested point ({r.point}): {r.question}"))
            lines.append(Line(depth=1, text=f"Under the reading '{r.reading}' ({r.statement}), "
                                            f"{what} would be {_words(r.status)}.",
                              cites=_cites(r.authorities)))
        return lines

    def missing(self, missing: Sequence[MissingFact], what: str) -> list[Line]:
        lines = []
        for m in missing:
            notes = [self.facts.notes.source(m.source)] if m.source else []
            lines.append(Line(depth=0, text=f"The case leaves unknown {m.fact} (burden of proof: "
                                            f"{m.burden}).", notes=notes))
            lines += [Line(depth=1, text=f"If {value}: {what} would be {_words(status)}.")
                      for value, status in m.outcomes.items()]
        return lines

    def flips(self, finding: Finding) -> list[Line]:
        return [self.flip(flip, f", the finding would be {_words(flip.status)}.")
                for flip in finding.flips or ()]

    def flip(self, flip: Flip, then: str) -> Line:
        """"Had it been <then> rather than <now> that <fact>" followed by ``then``."""
        notes = [self.facts.notes.source(flip.source)] if flip.source else []
        return Line(depth=0, text=f"Had it been {flip.then} rather than {flip.now} that "
                                  f"{_fact(flip.fact)}{then}", notes=notes)

    # -- one node ------------------------------------------------------------------------

    def line(self, node: Explanation, depth: int) -> Line:
        notes = [self.facts.notes.source(node.source)] if node.source is not None else []
        cites = _cites(node.authorities)
        some = " (holds only in some worlds: it turns on an open point)" \
            if node.holds == "in_some_worlds" else ""
        if node.kind == "rule":
            negative = node.conclusion.startswith(("not ", "does not conclude "))
            text = node.statement or node.conclusion
            if node.rule is None and negative:
                text = f"Not established: {self.atom(node.conclusion.removeprefix('not '))}. " \
                       f"{node.statement or ''}".rstrip()
            elif negative:
                text = f"Does not apply: {text}"
            return Line(depth=depth, text=text + some, rule=node.rule, notes=notes, cites=cites)
        if node.kind == "fact" and node.source is not None:
            text = self.facts.statement(node.source, brief=True)
        elif node.kind == "lineage":
            text = self._lineage(node.conclusion)
        elif node.kind == "absent":
            text = "Not shown: " + self.atom(
                node.conclusion.removeprefix("absent: "))
        elif node.kind == "assumed":
            text = f"Left unknown by the case and assumed in some worlds: {node.conclusion}"
        elif node.kind == "reading":
            text = f"Reading of a contested point: {node.statement or node.conclusion}{some}"
        elif node.kind == "condition":
            text = node.conclusion.replace("fails: ", "Fails: ", 1)
            text = f"Condition: {text}" if not text.startswith("Fails") else \
                f"Fails: {self.atom(text.removeprefix('Fails: '))}"
        else:
            text = node.conclusion
        return Line(depth=depth, text=text, notes=notes, cites=cites)

    def atom(self, text: str) -> str:
        """A conclusion like ``act_lists_works(acq)`` with its predicate's meaning."""
        match = _ATOM.match(text)
        decl = self.rulebook.predicates.get(match["pred"]) if match else None
        if match is None or decl is None:
            return text
        args = ", ".join(a.strip() for a in match["args"].split(","))
        return f"{decl.meaning.rstrip('.')} [{match['pred']}({args})]{match['rest']}"

    def _lineage(self, conclusion: str) -> str:
        match = _ATOM.match(conclusion)
        if match is None:
            return conclusion
        child, parent, how = (a.strip() for a in match["args"].split(",", 2))
        link = f"through a '{how}' step" if match["pred"] == "derives_by" else \
            f"in {how} step{'s' if how != '1' else ''}"
        return f"Lineage: {self.facts.name(child)} derives from {self.facts.name(parent)} {link}"


def _nodes(root: Explanation) -> Iterator[tuple[Explanation, int]]:
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack += [(c, depth + 1) for c in reversed(node.children)]


def _trivial(node: Explanation) -> bool:
    left, op, right = node.conclusion.partition(" == ")
    return node.kind == "condition" and bool(op) and left == right


def _count(node: Explanation) -> int:
    return sum(1 for _ in _nodes(node)) - 1


def _cites(authorities: Sequence[AuthorityRef]) -> list[Cite]:
    return [Cite(cite=a.cite, pinpoint=a.pinpoint, grade=a.grade, quote=a.quote,
                     foreign=a.foreign)
            for a in authorities]


_STATUS_WORDS = {"needs_facts": "undecided on the facts the case gives"}


def _words(status: str) -> str:
    return _STATUS_WORDS.get(status, status.replace("_", " "))


def _fact(fact: str) -> str:
    path, _, meaning = fact.partition(": ")
    return f"{path} ({meaning.rstrip('.')})" if meaning else path
