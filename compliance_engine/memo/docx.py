"""The memo as a Word document, filled in from a ``.docx`` template by docxtpl (the ``docx``
extra).

The built-in template is ``templates/memo.docx``, made by ``scripts/build_memo_docx.py``; counsel
may restyle a copy in Word and pass its folder as ``--template DIR``.  The template is rendered by
the same sandboxed jinja as the text templates, with autoescaping for XML, so a value from the
case file (``<script>``, ``&``, ``{{ x }}``) shows literally and is never evaluated.  The output
is byte-for-byte the same for the same context and template.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

import jinja2

from ..errors import EngineError
from .model import MemoContext
from .render import fields
from .templating import TemplateError, environment, guarded, template_file

__all__ = ["TEMPLATE", "normalize_zip", "render_docx"]

TEMPLATE = Path(__file__).parent / "templates" / "memo.docx"
"""The built-in Word template."""
_EPOCH = (1980, 1, 1, 0, 0, 0)


def render_docx(context: MemoContext, template_dir: Path | None = None) -> bytes:
    """The memo as ``.docx`` bytes, from ``template_dir/memo.docx`` if there is one, else from
    the built-in template."""
    try:
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docxtpl import DocxTemplate
    except ImportError:
        raise EngineError.single("CE510", "Word memos need docxtpl and python-docx",
                                 expected="pip install 'compliance-engine[docx]'") from None
    source = (template_file(template_dir, "memo.docx") if template_dir is not None
              else None) or TEMPLATE
    env = environment(template_dir, autoescape=True)
    template = DocxTemplate(str(source))
    try:
        if not zipfile.is_zipfile(source):
            raise ValueError("the file is not a zip archive, as every .docx is")
        package = template.get_docx().part.package
    except Exception as exc:  # noqa: BLE001 - whatever makes the file unreadable is reported
        raise TemplateError.single("CE507", f"not a Word document: {exc}", file=str(source),
                                   expected="a .docx file saved by Word") from None
    try:
        package.part_related_by(RELATIONSHIP_TYPE.CORE_PROPERTIES)
        stamped = True
    except KeyError:  # python-docx would make core properties dated now
        stamped = False
    values = fields(context)
    near: list[str] = []

    def fill() -> bytes:
        try:
            template.render(values, jinja_env=env, autoescape=True)
        except jinja2.TemplateError as exc:
            near.extend(t.strip() for t in getattr(exc, "docx_context", ()) if t.strip())
            raise
        if not stamped:
            fixed = dt.datetime(*_EPOCH, tzinfo=dt.UTC)
            template.docx.core_properties.created = fixed
            template.docx.core_properties.modified = fixed
        out = io.BytesIO()
        template.save(out)
        return out.getvalue()

    try:
        data = guarded(fill, str(source))
    except TemplateError as exc:
        raise _located(exc, str(source), near) from None
    return normalize_zip(data)


def normalize_zip(data: bytes) -> bytes:
    """``data`` (a zip) rewritten with fixed timestamps and entry order, so the same content
    gives the same bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        entries = {info.filename: zin.read(info) for info in zin.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in sorted(entries, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, _EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zout.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()


def _located(error: TemplateError, source: str, near: list[str]) -> TemplateError:
    """``error`` placed in the ``.docx`` file rather than in the XML jinja saw (whose line
    numbers mean nothing in Word), with the template text near the failure where known."""
    hint = f' (near "{" ".join(near)[:160]}")' if near else ""
    problems = [dataclasses.replace(p, file=source, line=None, message=p.message + hint)
                if p.file in (source, "<template>") else p for p in error.problems]
    return TemplateError(problems)
