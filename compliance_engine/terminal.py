"""Text made safe to print on a terminal.

Case and rule text is data: an escape sequence in a title must not move the cursor, recolour the
screen or rewrite what the reader sees, and a bidirectional override must not reorder it.  Such
characters are shown as Python-style escapes (``\\x1b``, ``\\u202e``); everything else, including
non-Latin text, prints as it is.  The JSON result keeps the exact value.
"""

from __future__ import annotations

import re

__all__ = ["visible"]

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f"            # C0 controls (newline and tab too), DEL, C1 controls
    "\u061c\u200e\u200f"              # Arabic letter mark, left-to-right and right-to-left marks
    "\u2028\u2029"                    # line and paragraph separators
    "\u202a-\u202e\u2066-\u2069"      # bidirectional embeddings, overrides and isolates
    "\ud800-\udfff]")                 # lone surrogates (no terminal can show them)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control, bidirectional-formatting and surrogate character escaped."""
    return _UNSAFE.sub(_escape, text)
