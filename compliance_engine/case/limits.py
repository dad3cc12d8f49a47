"""What a case file may hold, checked while it is read so that no input costs unbounded time or
memory: its size, nesting, string lengths, YAML tags and keys, and what aliases expand to.

A YAML alias (``*name``) repeats a node without copying it in the file, so a small file can
stand for an enormous document (a "billion laughs").  The composer below weighs every node as
it is built, counting what each alias would expand to, and refuses the file as soon as the
expanded document passes the limits: nothing is ever expanded to find out.  A file without
aliases that fits :data:`MAX_FILE_BYTES` always fits the expansion limits.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.composer import Composer
from ruamel.yaml.events import AliasEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

__all__ = ["MAX_ALIASES", "MAX_DEPTH", "MAX_EXPANDED_CHARS", "MAX_FILE_BYTES",
           "MAX_STRING_CHARS", "MAX_VALUES", "GuardedComposer", "Refusal"]

MAX_FILE_BYTES = 32 * 2**20
"""Largest case file read (32 MiB: 100,000 records of a dozen fields fit)."""
MAX_DEPTH = 32
"""Deepest nesting of mappings and lists (the format itself needs 7 levels)."""
MAX_STRING_CHARS = 100_000
"""Longest string value or key, in characters."""
MAX_ALIASES = 10_000
"""Most YAML alias uses (``*name``) in one file."""
MAX_VALUES = 3_000_000
"""Most values (scalars, mappings, lists; in YAML, keys too) in the document, aliases expanded:
100,000 records of a dozen fields fit.  YAML is composed at some 20,000 values a second, so a
YAML file near this limit takes two minutes to read (JSON, a few seconds)."""
MAX_EXPANDED_CHARS = 2 * MAX_FILE_BYTES
"""Most characters of string values and keys in the document, aliases expanded."""

_CORE = "tag:yaml.org,2002:"
_TAGS = {ScalarNode: {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp",
                                          "merge")},
         SequenceNode: {_CORE + "seq"}, MappingNode: {_CORE + "map"}}
_AGREES = {_CORE + "float": {_CORE + "float", _CORE + "int"}}  # !!float 3 is 3.0
_KIND = {ScalarNode: "a scalar", SequenceNode: "a list", MappingNode: "a mapping"}


class Refusal(Exception):
    """A limit or rule of the case format broken at a place in the file (0-based mark)."""

    def __init__(self, code: str, message: str, mark: Any, expected: str) -> None:
        super().__init__(message)
        self.code, self.message, self.expected = code, message, expected
        self.line = mark.line + 1 if mark is not None else None
        self.column = mark.column + 1 if mark is not None else None


class GuardedComposer(Composer):  # type: ignore[misc]
    """ruamel's composer, refusing what the case format does not use and bounding what the
    document expands to: a running count of the values and characters composed so far, an
    alias counting as everything it names (known when the anchored node was built)."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._aliases = 0
        self._levels = 0
        self._values = self._chars = 0
        self._size: dict[int, tuple[int, int]] = {}  # id(anchored node) → (values, characters)

    def compose_node(self, parent: Any, index: Any) -> Any:
        mark = self.parser.peek_event().start_mark
        if self.parser.check_event(AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise Refusal("CE108", f"more than {MAX_ALIASES} alias uses (*name)", mark,
                              f"at most {MAX_ALIASES} aliases")
            node = super().compose_node(parent, index)
            size = self._size.get(id(node))
            if size is None:
                raise Refusal("CE108", "an alias refers to the value that contains it", mark,
                              "a value that does not contain itself")
            self._count(*size, mark)
            return node
        self._levels += 1
        if self._levels > MAX_DEPTH:
            raise Refusal("CE108", f"nested more than {MAX_DEPTH} levels deep", mark,
                          f"at most {MAX_DEPTH} levels")
        before = self._values, self._chars
        if self.parser.check_event(ScalarEvent):
            value = self.parser.peek_event().value
            if len(value) > MAX_STRING_CHARS:
                raise Refusal("CE108", f"a string of {len(value)} characters", mark,
                              f"at most {MAX_STRING_CHARS} characters")
            self._count(1, len(value), mark)
        else:
            self._count(1, 0, mark)
        node = super().compose_node(parent, index)
        self._levels -= 1
        _check(node, self.resolver)
        if node.anchor is not None:
            self._size[id(node)] = (self._values - before[0], self._chars - before[1])
        return node

    def _count(self, values: int, chars: int, mark: Any) -> None:
        self._values += values
        self._chars += chars
        if self._values > MAX_VALUES:
            raise Refusal("CE108", f"the document expands to more than {MAX_VALUES} values "
                                   "(aliases repeat what they name)", mark,
                          f"at most {MAX_VALUES} values once aliases are expanded")
        if self._chars > MAX_EXPANDED_CHARS:
            raise Refusal("CE108", f"the document expands to more than {MAX_EXPANDED_CHARS} "
                                   "characters of text (aliases repeat what they name)", mark,
                          f"at most {MAX_EXPANDED_CHARS} characters once aliases are expanded")


def _check(node: Any, resolver: Any) -> None:
    """Refuse a tag the case format does not use, and a key that is not a field name."""
    kind = type(node)
    tag = str(node.tag)
    if tag not in _TAGS.get(kind, ()):
        allowed = "no tag, or !!str, !!int, !!float, !!bool, !!null" if kind is ScalarNode \
            else "no tag"
        raise Refusal("CE106", f"YAML tag {tag.replace(_CORE, '!!')!r} is not allowed on "
                               f"{_KIND.get(kind, 'a value')}", node.start_mark, allowed)
    if kind is ScalarNode and tag != _CORE + "str" and str(resolver.resolve(
            ScalarNode, node.value, (True, False))) not in _AGREES.get(tag, {tag}):
        raise Refusal("CE106", f"{node.value!r} is not a {tag.replace(_CORE, '!!')} value",
                      node.start_mark, "a tag that agrees with the value, or none")
    if kind is MappingNode:
        for key, _ in node.value:
            if type(key) is not ScalarNode or str(key.tag) not in (_CORE + "str",
                                                                   _CORE + "merge"):
                raise Refusal("CE107", f"a key must be a field name, not {_key_kind(key)}",
                              key.start_mark, "a field name (text)")


def _key_kind(node: Any) -> str:
    if type(node) is not ScalarNode:
        return _KIND.get(type(node), "a value")
    tag = str(node.tag).replace(_CORE, "")
    return {"null": "null", "int": "a number", "float": "a number", "bool": "true or false",
            "timestamp": "a date"}.get(tag, f"a {tag} value")
