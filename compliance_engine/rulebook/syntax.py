"""The rule language: pyDatalog syntax (``head <= a & b & ~c``) parsed with Python's ``ast``.

The parser never executes rule text.  It builds a small typed representation (atoms, literals,
comparisons) that the checks, both backends and the proof builder share, so the text a legal
engineer wrote is the single source of every stage.
"""

from __future__ import annotations

import ast
import builtins
import datetime as _dt
import io
import keyword
import re
import tokenize
from dataclasses import dataclass

from ..facts import INT_MAX, INT_MIN, date_value

__all__ = [
    "Atom",
    "BodyItem",
    "Comparison",
    "Const",
    "Literal",
    "Offset",
    "Operand",
    "ParsedRule",
    "SyntaxProblem",
    "Term",
    "Var",
    "name_problem",
    "parse_rule",
]

MAX_OFFSET = INT_MAX - date_value(_dt.date.max)
"""The largest day offset (``D + n``) that keeps every date ``YYYYMMDD`` within clingo's range."""
_PREDICATE = re.compile(r"[a-z][a-z0-9_]*")
_VARIABLE = re.compile(r"[A-Z_][A-Za-z0-9_]*")
_RESERVED = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
_FRESH = re.compile(r"_Anon\d+")

COMPARISON_OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
                  ast.NotEq: "!="}


@dataclass(frozen=True)
class Var:
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Const:
    value: str | int

    def __str__(self) -> str:
        return repr(self.value) if isinstance(self.value, str) else str(self.value)


Term = Var | Const


@dataclass(frozen=True)
class Offset:
    """``Var + n`` or ``Var - n`` inside a comparison: dates are YYYYMMDD numbers, so
    ``D + 30000`` is the same day three years later (limitation periods, deadlines)."""

    var: Var
    amount: int

    def __str__(self) -> str:
        sign = "+" if self.amount >= 0 else "-"
        return f"{self.var} {sign} {abs(self.amount)}"


Operand = Var | Const | Offset


@dataclass(frozen=True)
class Atom:
    pred: str
    args: tuple[Term, ...]

    @property
    def variables(self) -> list[str]:
        return [a.name for a in self.args if isinstance(a, Var)]

    def __str__(self) -> str:
        return f"{self.pred}({', '.join(map(str, self.args))})"


@dataclass(frozen=True)
class Literal:
    atom: Atom
    negated: bool = False

    def __str__(self) -> str:
        return f"~{self.atom}" if self.negated else str(self.atom)


@dataclass(frozen=True)
class Comparison:
    op: str
    left: Operand
    right: Operand

    @property
    def variables(self) -> list[str]:
        return [(t.var if isinstance(t, Offset) else t).name for t in (self.left, self.right)
                if isinstance(t, (Var, Offset))]

    def __str__(self) -> str:
        return f"({self.left} {self.op} {self.right})"


BodyItem = Literal | Comparison


@dataclass(frozen=True)
class ParsedRule:
    head: Atom
    body: tuple[BodyItem, ...]

    @property
    def body_variables(self) -> list[str]:
        """Variables of the body in order of first appearance (the rule instance's arguments)."""
        seen: list[str] = []
        for item in self.body:
            names = item.atom.variables if isinstance(item, Literal) else item.variables
            seen.extend(n for n in names if n not in seen)
        return seen

    def __str__(self) -> str:
        return f"{self.head} <= {' & '.join(map(str, self.body))}"


class SyntaxProblem(ValueError):
    """Rule text that is not a well-formed rule; ``column`` is 1-based within the text;
    ``code`` is CE201 (syntax), CE222 (a name that could reach Python) or CE223 (a number
    outside clingo's range)."""

    def __init__(self, message: str, column: int | None = None, code: str = "CE201") -> None:
        super().__init__(message)
        self.column = column
        self.code = code


def name_problem(name: str, kind: str) -> str | None:
    """Why ``name`` cannot be a predicate (``kind="predicate"``) or variable name, or None.

    Predicates are lower-case ASCII identifiers that name no Python builtin, keyword or soft
    keyword; variables start with a capital or ``_``, are ASCII and never dunder names.  Rule
    text is never run as Python, but a name that means something to Python is refused so that
    no backend, present or future, can be made to call it."""
    if kind == "predicate":
        if not _PREDICATE.fullmatch(name):
            return (f"predicate name {name!r} is not a lower-case ASCII identifier "
                    "([a-z][a-z0-9_]*)")
        if name in _RESERVED:
            return f"predicate name {name!r} is a Python builtin or keyword; choose another"
        return None
    if not _VARIABLE.fullmatch(name):
        return f"variable name {name!r} is not an ASCII identifier ([A-Z_][A-Za-z0-9_]*)"
    if name.startswith("__") or name in _RESERVED:
        return f"variable name {name!r} is a dunder name or a Python builtin; choose another"
    if _FRESH.fullmatch(name):
        return f"variable name {name!r} is reserved for anonymous variables ('_')"
    return None


def _int(value: int, node: ast.AST, low: int = INT_MIN, high: int = INT_MAX,
         what: str = "number") -> int:
    if not low <= value <= high:
        raise SyntaxProblem(f"{what} {value} is outside the range the solver can hold "
                            f"({low}..{high})", _col(node), "CE223")
    return value


def parse_rule(text: str) -> ParsedRule:
    """Parse one rule; anonymous ``_`` variables become distinct fresh variables."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        word = _keyword(text.strip())
        if word:
            raise SyntaxProblem(f"Python '{word[0]}' used: write '&' to join conditions, "
                                "'~' to negate, one rule per alternative for 'or'",
                                word[1]) from None
        raise SyntaxProblem(f"not valid rule syntax: {exc.msg}", exc.offset) from None
    node = tree.body
    if isinstance(node, ast.BoolOp) or (isinstance(node, ast.Compare)
                                        and any(isinstance(v, ast.BoolOp)
                                                for v in node.comparators)):
        raise SyntaxProblem("Python 'and'/'or' used: join conditions with '&', write one rule "
                            "per alternative instead of 'or'", _col(node))
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1
            and isinstance(node.ops[0], ast.LtE)):
        raise SyntaxProblem("a rule must read 'head(...) <= condition & condition ...'",
                            _col(node))
    fresh = _Fresh()
    head = _atom(node.left, fresh, allow_anonymous=False)
    body = tuple(_body(node.comparators[0], fresh))
    return ParsedRule(head, body)


def _keyword(text: str) -> tuple[str, int] | None:
    """The first Python ``and``/``or``/``not`` written as a word (not inside a quoted constant),
    with its 1-based column, found by Python's own tokenizer."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.NAME and token.string in ("and", "or", "not"):
                return token.string, token.start[1] + 1
    except (tokenize.TokenError, SyntaxError):
        pass
    return None


class _Fresh:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> Var:
        self.count += 1
        return Var(f"_Anon{self.count}")


def _col(node: ast.AST) -> int | None:
    offset = getattr(node, "col_offset", None)
    return None if offset is None else offset + 1


def _body(node: ast.expr, fresh: _Fresh) -> list[BodyItem]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd):
        return _body(node.left, fresh) + _body(node.right, fresh)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        raise SyntaxProblem("'|' (or) is not supported in a body: write one rule per "
                            "alternative", _col(node))
    if isinstance(node, ast.BoolOp):
        word = "and" if isinstance(node.op, ast.And) else "or"
        raise SyntaxProblem(f"Python '{word}' used: write '&' to join conditions"
                            + ("" if word == "and" else ", one rule per alternative for 'or'"),
                            _col(node))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        raise SyntaxProblem("Python 'not' used: write '~' before the condition", _col(node))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        return [Literal(_atom(node.operand, fresh, allow_anonymous=True), negated=True)]
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1 or type(node.ops[0]) not in COMPARISON_OPS:
            raise SyntaxProblem("write each comparison in its own parentheses, e.g. "
                                "(X < Y) & (Y < Z)", _col(node))
        return [Comparison(COMPARISON_OPS[type(node.ops[0])], _operand(node.left, fresh),
                           _operand(node.comparators[0], fresh))]
    return [Literal(_atom(node, fresh, allow_anonymous=True))]


def _atom(node: ast.expr, fresh: _Fresh, *, allow_anonymous: bool) -> Atom:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        raise SyntaxProblem("expected a predicate call such as pred(X, 'value')", _col(node))
    if node.keywords:
        raise SyntaxProblem(f"{node.func.id}: keyword arguments are not allowed", _col(node))
    if not node.args:
        raise SyntaxProblem(f"{node.func.id}: a predicate needs at least one argument",
                            _col(node))
    problem = name_problem(node.func.id, "predicate")
    if problem:
        raise SyntaxProblem(problem, _col(node), "CE222")
    return Atom(node.func.id, tuple(_term(a, fresh, allow_anonymous) for a in node.args))


def _operand(node: ast.expr, fresh: _Fresh) -> Operand:
    """A comparison operand: a term, or a variable plus or minus a whole number."""
    if isinstance(node, ast.BinOp):
        left, right = node.left, node.right
        if isinstance(node.op, (ast.Add, ast.Sub)) and isinstance(left, ast.Name) \
                and isinstance(right, ast.Constant) and type(right.value) is int:
            var = _term(left, fresh, False)
            if isinstance(var, Var):
                sign = 1 if isinstance(node.op, ast.Add) else -1
                return Offset(var, sign * _int(right.value, right, 0, MAX_OFFSET, "date offset"))
        raise SyntaxProblem("arithmetic is limited to Variable + number or Variable - number",
                            _col(node))
    return _term(node, fresh, False)


def _term(node: ast.expr, fresh: _Fresh, allow_anonymous: bool) -> Term:
    if isinstance(node, ast.Name):
        name = node.id
        if name == "_":
            if not allow_anonymous:
                raise SyntaxProblem("'_' cannot be used here", _col(node))
            return fresh()
        if name[0].isupper() or name[0] == "_":
            problem = name_problem(name, "variable")
            if problem:
                raise SyntaxProblem(problem, _col(node), "CE222")
            return Var(name)
        raise SyntaxProblem(f"{name!r}: constants must be quoted ('{name}'); variables start "
                            "with a capital letter", _col(node))
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) \
            and not isinstance(node.value, bool):
        return Const(_int(node.value, node) if isinstance(node.value, int) else node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
            and isinstance(node.operand, ast.Constant) and type(node.operand.value) is int:
        return Const(_int(-node.operand.value, node))
    raise SyntaxProblem("an argument must be a Variable, a 'quoted constant' or a whole number",
                        _col(node))
