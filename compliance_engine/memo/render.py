"""Render a memo context in one of the formats.  Markdown is canonical; HTML is made from it;
PDF is printed from the HTML; Word is filled in from a ``.docx`` template (``memo/docx.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from markupsafe import Markup

from .markdown import escape_context, fence, to_html
from .model import MemoContext
from .templating import TemplateError, environment, guarded

__all__ = ["FORMATS", "Format", "render", "render_html", "render_markdown"]

Format = Literal["md", "html", "docx", "pdf"]
FORMATS: tuple[Format, ...] = ("md", "html", "docx", "pdf")


def render(context: MemoContext, fmt: Format, template_dir: Path | None = None) -> bytes:
    if fmt == "md":
        return render_markdown(context, template_dir).encode()
    if fmt == "html":
        return render_html(context, template_dir).encode()
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(context, template_dir)
    if fmt == "pdf":
        from .pdf import render_pdf

        page = render_html(context, template_dir, print_media=True)
        return guarded(lambda: render_pdf(page), "memo.css")  # the stylesheet lays it out
    raise TemplateError.single("CE500", f"unknown memo format {fmt!r}",
                               expected=", ".join(FORMATS))


def fields(context: MemoContext) -> dict[str, Any]:
    """The context as template variables (one per field of :class:`MemoContext`)."""
    return {name: getattr(context, name) for name in type(context).model_fields}


def render_markdown(context: MemoContext, template_dir: Path | None = None) -> str:
    env = environment(template_dir, autoescape=False)
    env.filters.setdefault("fence", fence)
    escaped = escape_context(context)
    return guarded(lambda: env.get_template("memo.md.j2").render(fields(escaped)), "memo.md.j2")


def render_html(context: MemoContext, template_dir: Path | None = None, *,
                print_media: bool = False) -> str:
    body = to_html(render_markdown(context, template_dir),
                   {context.appendix.mermaid: context.appendix.svg})
    env = environment(template_dir, autoescape=True)

    def page() -> str:
        css = env.loader.get_source(env, "memo.css")[0] if env.loader else ""
        return env.get_template("memo.html.j2").render(
            fields(context), body=Markup(body), css=Markup(css), print_media=print_media)

    return guarded(page, "memo.html.j2")
