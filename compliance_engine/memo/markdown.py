"""Markdown, the canonical memo text, and the HTML made from it.

Case files are written by people and may hold anything (``<script>``, ``{{ }}``, ``*``, ``|``).
Every string of the context is escaped for Markdown before a template sees it, so it reads back
literally in every format: Markdown shows it, the HTML made from the Markdown shows it, and jinja
never evaluates data (it renders a value once, as text).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin
from pydantic import BaseModel

from .model import CODE_FIELDS

__all__ = ["escape_context", "fence", "md_escape", "to_html"]

M = TypeVar("M", bound=BaseModel)

_PUNCTUATION = re.compile(r"([\\`*_\[\]<>|~&!#])")
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def md_escape(text: str) -> str:
    """``text`` as Markdown inline content that renders as exactly ``text`` (whitespace runs,
    newlines included, become one space)."""
    text = _PUNCTUATION.sub(r"\\\1", " ".join(text.split()))
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text, count=1)


def escape_context(model: M) -> M:
    """A copy of ``model`` with every string escaped for Markdown (except code fields)."""
    return type(model).model_validate(_escape(model.model_dump(), None))


def _escape(value: Any, key: str | None) -> Any:
    if isinstance(value, str):
        return value if key in CODE_FIELDS else md_escape(value)
    if isinstance(value, dict):
        return {k: _escape(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape(v, key) for v in value]
    return value


def fence(text: str) -> str:
    """A backtick fence longer than any run of backticks in ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def to_html(markdown: str, figures: dict[str, str]) -> str:
    """The HTML body of ``markdown``.  Raw HTML in the Markdown is shown as text; a fenced block
    whose content is a key of ``figures`` (the lineage Mermaid text) is replaced by its SVG."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.use(footnote_plugin)
    default = md.renderer.rules.get("fence")  # type: ignore[attr-defined]

    def render_fence(self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict,
                     env: EnvType) -> str:
        content = tokens[idx].content.rstrip("\n")
        if content in figures:
            return f'<figure class="lineage">\n{figures[content]}\n</figure>\n'
        assert default is not None
        return default(tokens, idx, options, env)

    def caption(self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict,
                env: EnvType) -> str:
        return str(tokens[idx].meta.get("label") or tokens[idx].meta["id"] + 1)

    def item(self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict,
             env: EnvType) -> str:
        label = tokens[idx].meta.get("label")
        value = f' value="{label}"' if str(label).isdigit() else ""
        return f'<li id="fn{tokens[idx].meta["id"] + 1}"{value} class="footnote-item">'

    md.add_render_rule("fence", render_fence)
    md.add_render_rule("footnote_caption", caption)  # the note's own number, not its rank
    md.add_render_rule("footnote_open", item)
    return md.render(markdown)
