"""Where each key and item of a JSON document sits, read off the text that ``json.loads``
has already accepted (so the scan needs no error handling of its own beyond the limits).

``json.loads`` gives the values but no positions; a YAML parser reading JSON gives positions but
reads the escapes of a surrogate pair (``"\\ud83d\\ude00"``, as ``json.dumps`` writes an emoji)
as two lone surrogates.  This scanner records the 1-based (line, column) of every key of an
object and every item of an array, and refuses a key given twice in one object.
"""

from __future__ import annotations

import json
import re

from .limits import MAX_DEPTH, MAX_VALUES, Refusal

__all__ = ["json_positions"]

FieldPath = tuple[str | int, ...]

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+|\s+', re.DOTALL)


class _Mark:
    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line - 1, column - 1


def json_positions(text: str) -> dict[FieldPath, tuple[int, int]]:
    """Positions of every key and item of the (valid) JSON document ``text``."""
    positions: dict[FieldPath, tuple[int, int]] = {}
    # one frame per open container: its path, whether it is an object, the next index or the
    # key just read, and the keys seen so far
    stack: list[tuple[FieldPath, bool, list[str | int | None], set[str]]] = []
    line, line_start, values = 1, 0, 0
    expect_key = False
    for match in _TOKEN.finditer(text):
        token, start = match.group(), match.start()
        first = token[0]
        if first.isspace():
            newlines = token.count("\n")
            if newlines:
                line, line_start = line + newlines, start + token.rindex("\n") + 1
            continue
        where = (line, start - line_start + 1)
        if first in ",:":
            expect_key = first == "," and bool(stack) and stack[-1][1]
            continue
        if first in "}]":
            stack.pop()
            expect_key = False
            continue
        if expect_key:  # an object's key
            owner, _, slot, seen = stack[-1]
            key = json.loads(token)
            if key in seen:
                raise Refusal("CE104", f"duplicate key {key!r}", _Mark(*where),
                              "each key once per mapping")
            seen.add(key)
            slot[0] = key
            positions[(*owner, key)] = where
            expect_key = False
            continue
        values += 1
        if values > MAX_VALUES:
            raise Refusal("CE108", f"more than {MAX_VALUES} values", _Mark(*where),
                          f"at most {MAX_VALUES} values")
        path: FieldPath = ()
        if stack:
            parent, is_object, slot, _ = stack[-1]
            path = (*parent, slot[0])  # type: ignore[arg-type]
            if not is_object:
                positions[path] = where
                slot[0] = slot[0] + 1  # type: ignore[operator]
        else:
            positions[()] = where
        if first in "{[":
            if len(stack) >= MAX_DEPTH:
                raise Refusal("CE108", f"nested more than {MAX_DEPTH} levels deep",
                              _Mark(*where), f"at most {MAX_DEPTH} levels")
            stack.append((path, first == "{", [None if first == "{" else 0], set()))
            expect_key = first == "{"
    return positions
