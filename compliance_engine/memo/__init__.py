"""Memo drafts (CREAC office memoranda) from an assessment, in Markdown, HTML, Word and PDF.

Public API::

    from compliance_engine.memo import MemoOptions, build_context, render
    context = build_context(result, loaded_case, rulebook, MemoOptions(privileged=True))
    data = render(context, "md")          # bytes; "html", "docx", "pdf" likewise

:mod:`.model` documents the context every template sees.
"""

from __future__ import annotations

from .build import MemoOptions, build_context
from .model import MemoContext
from .render import FORMATS, render
from .templating import TemplateError

__all__ = ["FORMATS", "MemoContext", "MemoOptions", "TemplateError", "build_context", "render"]
