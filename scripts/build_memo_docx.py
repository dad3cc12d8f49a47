"""Build the Word memo template, ``compliance_engine/memo/templates/memo.docx``.

The template is a binary file kept in the repository; this script is how it is made.  Change the
script, not the file, and run it again::

    .venv/bin/python scripts/build_memo_docx.py

The result is an ordinary Word document: counsel can restyle it in Word (every paragraph has a
named style: Title, Heading 1-3, Normal, Memo Banner, Memo Line, Memo Line 2 ... Memo Line 12,
Memo Record, Memo Numbered, Memo Note, Memo Table Text; runs use the character styles Memo Cite,
Memo Rule Id and Memo Note Ref) and keep the jinja tags docxtpl fills in: ``{{ }}`` in runs,
``{%p %}`` paragraphs, ``{%tr %}`` table rows.  The fields are those of
``compliance_engine.memo.model.MemoContext``.  The sections follow ``memo.md.j2``.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path
from typing import Protocol

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Inches, Pt, RGBColor
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compliance_engine.memo.docx import TEMPLATE, normalize_zip

SERIF = "Times New Roman"
INK = RGBColor(0x1A, 0x1A, 0x1A)
DARK_RED = RGBColor(0x9B, 0x1C, 0x1C)
GREY = RGBColor(0x59, 0x59, 0x59)
RULE_GREY = "BFBFBF"
LEVELS = 12
"""Line depths with a style of their own (Memo Line ... Memo Line 12); deeper lines use the
last."""
BULLETS = ("•", "–", "◦")
STEP = 0.25
"""Indent of each level of a line, in inches."""
Run = tuple[str, str | None]
"""Text and the character style (``"bold"``/``"italic"`` for direct emphasis) of one run."""


def main() -> None:
    doc = Document()
    page(doc)
    styles(doc)
    header_footer(doc)
    body(doc)
    properties(doc)
    out = io.BytesIO()
    doc.save(out)
    TEMPLATE.write_bytes(normalize_zip(out.getvalue()))
    print(f"wrote {TEMPLATE.relative_to(ROOT)}")


# -- page, styles, properties ---------------------------------------------------------------


def page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    section.header_distance = section.footer_distance = Inches(0.5)


def font(style: ParagraphStyle | CharacterStyle, size: float | None = None, *,
         bold: bool | None = None, italic: bool | None = None, color: RGBColor | None = INK,
         name: str | None = SERIF) -> None:
    """Set a style's font explicitly (the default template's theme fonts and colours would
    override a plain name or colour)."""
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:rFonts", "w:color"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    if name is not None:
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), name)
        rpr.insert(0, fonts)
    if color is not None:
        style.font.color.rgb = color
    if size is not None:
        style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic


def spacing(style: ParagraphStyle, before: float, after: float, line: float = 1.0, *,
            left: float = 0.0, hanging: float = 0.0, keep: bool = False) -> None:
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), line
    fmt.left_indent = Inches(left)
    fmt.first_line_indent = Inches(-hanging)
    fmt.keep_with_next = keep
    fmt.widow_control = True


PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
                    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
TBLPR_AFTER_BORDER = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                      "w:tblDescription")
"""Elements that come after a border in a pPr or tblPr (the schema fixes the order)."""


def border(element: BaseOxmlElement, sides: tuple[str, ...], color: str, size: int = 6,
           space: int = 4, tag: str = "w:pBdr") -> None:
    """Add a ``w:pBdr`` (or ``w:tblBorders``) with single lines on ``sides`` to ``element``
    (a pPr or tblPr)."""
    box = OxmlElement(tag)
    for side in sides:
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(size))
        line.set(qn("w:space"), str(space))
        line.set(qn("w:color"), color)
        box.append(line)
    element.insert_element_before(
        box, *(PPR_AFTER_BORDER if tag == "w:pBdr" else TBLPR_AFTER_BORDER))


def paragraph_style(doc: DocumentObject, name: str, base: str = "Normal") -> ParagraphStyle:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    style.base_style = doc.styles[base]
    style.quick_style = True
    return style


def character_style(doc: DocumentObject, name: str) -> CharacterStyle:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    assert isinstance(style, CharacterStyle)
    style.quick_style = True
    return style


def line_style(depth: int) -> str:
    return "Memo Line" if depth == 0 else f"Memo Line {depth + 1}"


def styles(doc: DocumentObject) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:  # theme fonts in the defaults would win over the styles' own
        for fonts in defaults.iter(qn("w:rFonts")):
            for attr in list(fonts.attrib):
                fonts.attrib.pop(attr)
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(attr), SERIF)
    normal = doc.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    font(normal, 12)
    spacing(normal, 0, 8, 1.08)

    title = doc.styles["Title"]
    assert isinstance(title, ParagraphStyle)
    ppr = title.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:pBdr")):
        ppr.remove(old)
    font(title, 22, bold=True)
    title.font.all_caps = True
    rpr = title.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:spacing")):
        rpr.remove(old)
    character_spacing = OxmlElement("w:spacing")
    character_spacing.set(qn("w:val"), "60")
    rpr.insert_element_before(character_spacing, "w:w", "w:kern", "w:position", "w:sz",
                              "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
                              "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                              "w:eastAsianLayout", "w:specVanish", "w:oMath")
    spacing(title, 0, 14)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for level, (size, before, after) in enumerate(((14, 20, 8), (12.5, 16, 6), (12, 10, 4)), 1):
        heading = doc.styles[f"Heading {level}"]
        assert isinstance(heading, ParagraphStyle)
        font(heading, size, bold=True, italic=level == 3)
        spacing(heading, before, after, keep=True)
        heading.paragraph_format.keep_together = True
    heading1 = doc.styles["Heading 1"]
    border(heading1.element.get_or_add_pPr(), ("bottom",), RULE_GREY, size=4, space=2)

    banner = paragraph_style(doc, "Memo Banner")
    font(banner, 11, bold=True, color=DARK_RED)
    spacing(banner, 0, 6)
    banner.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    border(banner.element.get_or_add_pPr(), ("top", "left", "bottom", "right"), "9B1C1C")

    legend = paragraph_style(doc, "Memo Legend", "Memo Banner")
    font(legend, 11, bold=True, color=DARK_RED)
    legend.font.small_caps = True

    field = paragraph_style(doc, "Memo Heading Field")
    spacing(field, 2, 2)

    divider = paragraph_style(doc, "Memo Divider")
    spacing(divider, 0, 12)
    font(divider, 4)
    border(divider.element.get_or_add_pPr(), ("bottom",), "1A1A1A", size=12, space=1)

    numbered = paragraph_style(doc, "Memo Numbered")
    spacing(numbered, 0, 6, left=0.35, hanging=0.35)

    base = paragraph_style(doc, "Memo Line")
    font(base, 11)
    spacing(base, 0, 2, left=STEP, hanging=0.2)
    for depth in range(1, LEVELS):
        style = paragraph_style(doc, line_style(depth), "Memo Line")
        spacing(style, 0, 2, left=STEP * (depth + 1), hanging=0.2)

    record = paragraph_style(doc, "Memo Record", "Memo Line")
    spacing(record, 6, 2, left=STEP, hanging=0.2, keep=True)

    note = paragraph_style(doc, "Memo Note")
    font(note, 9)
    spacing(note, 0, 1, left=0.45, hanging=0.45)

    table_text = paragraph_style(doc, "Memo Table Text")
    font(table_text, 9)
    spacing(table_text, 1, 1)

    tag = paragraph_style(doc, "Memo Template Tag")
    font(tag, 8, color=GREY, name="Courier New")
    spacing(tag, 0, 0)

    cite = character_style(doc, "Memo Cite")
    font(cite, None, italic=True, color=None, name=None)
    rule = character_style(doc, "Memo Rule Id")
    font(rule, 9, color=GREY, name=None)
    ref = character_style(doc, "Memo Note Ref")
    font(ref, None, color=GREY, name=None)
    ref.font.superscript = True

    for name, size in (("Header", 8.5), ("Footer", 9)):
        style = doc.styles[name]
        assert isinstance(style, ParagraphStyle)
        font(style, size, color=GREY)
        spacing(style, 0, 0)


def properties(doc: DocumentObject) -> None:
    fixed = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    core = doc.core_properties
    core.title = "Memorandum"
    core.subject = "Memo template for compliance-engine"
    core.author = core.last_modified_by = "compliance-engine"
    core.comments = "Made by scripts/build_memo_docx.py: restyle it freely, keep the jinja tags."
    core.keywords = core.category = ""
    core.revision = 1
    core.created = core.modified = fixed
    core.last_printed = fixed


# -- content helpers ------------------------------------------------------------------------


class Container(Protocol):
    """Where paragraphs go: the document, a header, a table cell."""

    def add_paragraph(self, text: str = "", style: str | None = None) -> Paragraph: ...



def para(doc: Container, style: str, *runs: Run) -> Paragraph:
    """A paragraph in ``style`` made of ``runs``."""
    paragraph = doc.add_paragraph(style=style)
    for text, kind in runs:
        run = paragraph.add_run(text)
        if kind == "bold":
            run.bold = True
        elif kind == "italic":
            run.italic = True
        elif kind is not None:
            run.style = kind
    return paragraph


def plain(text: str) -> Run:
    return (text, None)


def tag(doc: Container, text: str) -> Paragraph:
    """A paragraph holding only a docxtpl tag (``{%p ... %}``): it is removed on render."""
    return para(doc, "Memo Template Tag", (text, None))


def heading(doc: DocumentObject, text: str, level: int) -> Paragraph:
    return doc.add_heading(text, level)


def refs(expression: str) -> Run:
    """Footnote numbers ``[n]`` in superscript; ``expression`` is a jinja list of numbers."""
    return (f"{{% for n in {expression} %}}[{{{{ n }}}}]{{% endfor %}}", "Memo Note Ref")


def cites(expression: str) -> Run:
    return (f"{{% for c in {expression} %}} — {{{{ c.text }}}} ({{{{ c.grade }}}}){{% endfor %}}",
            "Memo Cite")


def bullet(depth: int) -> Run:
    return (f"{BULLETS[depth % len(BULLETS)]}\t", None)


def lines_macro(doc: DocumentObject) -> None:
    """The macro ``lines(items)`` that shows a list of :class:`Line` (an application, a
    proof...): one paragraph per line in the Memo Line style of its depth, then the rule id,
    the cites and the footnote numbers."""
    tag(doc, "{%p macro lines(items) %}")
    tag(doc, "{%p for l in items %}")
    for depth in range(LEVELS):
        if depth == 0:
            tag(doc, "{%p if l.depth <= 0 %}")
        elif depth < LEVELS - 1:
            tag(doc, f"{{%p elif l.depth == {depth} %}}")
        else:
            tag(doc, "{%p else %}")
        para(doc, line_style(depth), bullet(depth), ("{{ l.text }}", None),
             ("{% if l.rule %} [{{ l.rule }}]{% endif %}", "Memo Rule Id"), cites("l.cites"),
             refs("l.notes"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endmacro %}")


def record_macro(doc: DocumentObject) -> None:
    """The macro ``record(r)`` that shows a :class:`FactRecord` and its facts."""
    tag(doc, "{%p macro record(r) %}")
    para(doc, "Memo Record", bullet(0),
         ("{% if r.date is not none %}{{ r.date }}: {% endif %}{{ r.title }}", "bold"),
         refs("[r.note]"))
    tag(doc, "{%p for f in r.facts %}")
    para(doc, line_style(1), bullet(1), ("{{ f.text }}", None), refs("[f.note]"))
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endmacro %}")


def lines(doc: DocumentObject, expression: str) -> None:
    """Show the lines ``expression`` (a jinja expression for a list of Line)."""
    tag(doc, f"{{{{p lines({expression}) }}}}")


def shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def table(doc: DocumentObject, widths: tuple[float, ...], *, grid: bool = True) -> Table:
    made = doc.add_table(rows=0, cols=len(widths))
    made.alignment = WD_TABLE_ALIGNMENT.CENTER
    made.autofit = False
    tblpr = made._tbl.tblPr
    if grid:
        border(tblpr, ("top", "left", "bottom", "right", "insideH", "insideV"), RULE_GREY,
               size=4, space=0, tag="w:tblBorders")
    for column, width in zip(made.columns, widths, strict=True):
        column.width = Inches(width)
    return made


def cell_text(cell: _Cell, style: str, width: float, *runs: Run) -> None:
    cell.width = Inches(width)
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    for text, kind in runs:
        run = paragraph.add_run(text)
        if kind == "bold":
            run.bold = True
        elif kind is not None:
            run.style = kind


def loop_table(doc: DocumentObject, headers: tuple[str, ...], widths: tuple[float, ...],
               loop: str, cells: tuple[tuple[Run, ...], ...]) -> None:
    """A table with a header row (repeated on each page) and one row per item of ``loop``
    (``{%tr for ... %}``)."""
    made = table(doc, widths)
    head = made.add_row()
    trpr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    trpr.append(repeat)
    for cell, text, width in zip(head.cells, headers, widths, strict=True):
        cell_text(cell, "Memo Table Text", width, (text, "bold"))
        shade(cell, "EDEDED")
    for row_runs in ((("{%tr for " + loop + " %}", None),), None, (("{%tr endfor %}", None),)):
        row = made.add_row()
        if row_runs is None:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for cell, runs, width in zip(row.cells, cells, widths, strict=True):
                cell_text(cell, "Memo Table Text", width, *runs)
        else:
            for cell, width in zip(row.cells, widths, strict=True):
                cell_text(cell, "Memo Template Tag", width)
            row.cells[0].paragraphs[0].add_run(row_runs[0][0])


# -- the memo -------------------------------------------------------------------------------


def header_footer(doc: DocumentObject) -> None:
    section = doc.sections[0]
    top = section.header.paragraphs[0]
    top.style = "Header"
    top.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    draft = top.add_run("DRAFT — requires attorney review")
    draft.bold = True
    draft.font.color.rgb = DARK_RED
    tag(section.header, "{%p if heading.privileged %}")
    legend = section.header.add_paragraph(style="Header")
    legend.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    legend.add_run("{{ heading.legend }}").font.small_caps = True
    tag(section.header, "{%p endif %}")

    bottom = section.footer.paragraphs[0]
    bottom.style = "Footer"
    bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER
    bottom.add_run("Page ")
    page_field(bottom, "PAGE")
    bottom.add_run(" of ")
    page_field(bottom, "NUMPAGES")


def page_field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) showing ``1`` until Word updates it."""

    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run("1")
    char("end")


def body(doc: DocumentObject) -> None:
    tag(doc, "{#p Word memo template of compliance-engine. Fields: see docs/memo.md. "
             "Restyle with Word's styles; keep the tags. #}")
    lines_macro(doc)
    record_macro(doc)

    doc.add_paragraph("MEMORANDUM", style="Title")
    para(doc, "Memo Banner", ("{{ heading.banner }}", None))
    tag(doc, "{%p if heading.privileged %}")
    para(doc, "Memo Legend", ("{{ heading.legend }}", None))
    tag(doc, "{%p endif %}")
    fields_table = table(doc, (1.0, 5.5), grid=False)
    for label, value in (("TO:", "heading.to"), ("FROM:", "heading.author"),
                         ("DATE:", "heading.date"), ("RE:", "heading.re")):
        row = fields_table.add_row()
        cell_text(row.cells[0], "Memo Heading Field", 1.0, (label, "bold"))
        cell_text(row.cells[1], "Memo Heading Field", 5.5, (f"{{{{ {value} }}}}", None))
    doc.add_paragraph(style="Memo Divider")

    heading(doc, "Questions Presented", 1)
    tag(doc, "{%p for q in questions %}")
    para(doc, "Memo Numbered", ("{{ q.number }}.\t{{ q.text }}", None))
    tag(doc, "{%p else %}")
    para(doc, "Normal", plain("No mitigation is offered against a liability that arises or "
                              "may arise on these facts."))
    tag(doc, "{%p endfor %}")

    heading(doc, "Brief Answers", 1)
    tag(doc, "{%p for a in answers %}")
    para(doc, "Memo Numbered", ("{{ a.number }}.\t", None), ("{{ a.label }}.", "bold"),
         (" {{ a.text }}", None))
    tag(doc, "{%p endfor %}")
    para(doc, "Normal", ("How to read the answers.", "italic")).paragraph_format.keep_with_next \
        = True
    tag(doc, "{%p for rule in answer_key %}")
    para(doc, "Memo Line", bullet(0), ("{{ rule }}", None))
    tag(doc, "{%p endfor %}")

    facts(doc)
    discussion(doc)

    heading(doc, "Remedies Exposure", 1)
    tag(doc, "{%p if remedies %}")
    loop_table(doc, ("Liability", "Remedy", "Available", "Reaches the model", "Turns on"),
               (1.85, 1.05, 0.8, 0.7, 2.1), "r in remedies",
               ((("{{ r.finding }}", None),), (("{{ r.remedy }}", None),),
                (("{{ r.status }}", None),), (("{{ r.reaches_model }}", None),),
                (("{{ r.turns_on }}", None),)))
    tag(doc, "{%p else %}")
    para(doc, "Normal", ("No remedy is considered: no liability arises on these facts.", None))
    tag(doc, "{%p endif %}")

    heading(doc, "Recommendations", 1)
    tag(doc, "{%p if recommendations %}")
    lines(doc, "recommendations")
    tag(doc, "{%p else %}")
    para(doc, "Normal", ("None: nothing in the result calls for action.", None))
    tag(doc, "{%p endif %}")

    appendices(doc)


def facts(doc: DocumentObject) -> None:
    heading(doc, "Statement of Facts", 1)
    tag(doc, "{%p if summary %}")
    para(doc, "Normal", ("{{ summary }}", None))
    tag(doc, "{%p endif %}")
    heading(doc, "Background", 2)
    tag(doc, "{%p for r in background %}")
    tag(doc, "{{p record(r) }}")
    tag(doc, "{%p endfor %}")
    heading(doc, "Chronology", 2)
    tag(doc, "{%p for r in chronology %}")
    tag(doc, "{{p record(r) }}")
    tag(doc, "{%p else %}")
    para(doc, "Normal", ("The case states no dated conduct.", None))
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if disputed %}")
    heading(doc, "Disputed facts", 2)
    lines(doc, "disputed")
    tag(doc, "{%p endif %}")
    heading(doc, "Missing facts", 2)
    tag(doc, "{%p if missing %}")
    para(doc, "Normal", ("The outcome turns on these facts, which the case leaves unknown:",
                         None))
    lines(doc, "missing")
    tag(doc, "{%p else %}")
    para(doc, "Normal", ("No conclusion turns on a fact the case leaves unknown.", None))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if assumed %}")
    heading(doc, "Assumed facts", 2)
    para(doc, "Normal", plain("The case leaves these facts unknown; every value was considered "
                              "and no conclusion turns on them:"))
    lines(doc, "assumed")
    tag(doc, "{%p endif %}")


def discussion(doc: DocumentObject) -> None:
    heading(doc, "Discussion", 1)
    tag(doc, "{%p for i in issues %}")
    heading(doc, "{{ i.number }}. {{ i.title }}", 2)
    para(doc, "Normal", ("Conclusion.", "bold"), (" {{ i.conclusion }}", None))
    heading(doc, "Rule", 3)
    tag(doc, "{%p for r in i.rules %}")
    para(doc, "Memo Line", bullet(0), ("{{ r.statement }}", None),
         (" [{{ r.rule }}]", "Memo Rule Id"), cites("r.cites"))
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if i.explanation %}")
    heading(doc, "Explanation", 3)
    lines(doc, "i.explanation")
    tag(doc, "{%p endif %}")
    heading(doc, "Application", 3)
    lines(doc, "i.application")
    tag(doc, "{%p for m in i.mitigations %}")
    question = para(doc, "Normal", ("Question {{ m.question }}: {{ m.label }}.", "bold"),
                    (" {{ m.summary }}", None))
    question.paragraph_format.space_before = Pt(8)
    question.paragraph_format.keep_with_next = True
    lines(doc, "m.application")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if i.counter %}")
    heading(doc, "Counter-arguments and sensitivity", 3)
    lines(doc, "i.counter")
    tag(doc, "{%p endif %}")
    closing = para(doc, "Normal", ("Conclusion.", "bold"), (" {{ i.closing }}", None))
    closing.paragraph_format.space_before = Pt(8)
    tag(doc, "{%p else %}")
    para(doc, "Normal", ("No liability arises, or may arise, on these facts.", None))
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not_established %}")
    heading(doc, "Liabilities considered and not established", 2)
    lines(doc, "not_established")
    tag(doc, "{%p endif %}")


def appendices(doc: DocumentObject) -> None:
    lineage = heading(doc, "Appendix A: Lineage", 1)
    lineage.paragraph_format.page_break_before = True
    para(doc, "Normal", plain("The lineage figure is in the HTML and PDF versions of this "
                              "memo. Each artefact derives from the one it names:"))
    tag(doc, "{%p if appendix.edges %}")
    loop_table(doc, ("Artefact", "Derives from", "How"), (2.7, 2.7, 1.1), "e in appendix.edges",
               ((("{{ e.child }}", None),), (("{{ e.parent }}", None),),
                (("{{ e.relation }}", None),
                 ("{% if e.note %}[{{ e.note }}]{% endif %}", "Memo Note Ref"))))
    tag(doc, "{%p endif %}")

    heading(doc, "Appendix B: Proofs", 1)
    tag(doc, "{%p for p in appendix.proofs %}")
    heading(doc, "{{ p.label }} {{ p.title }}", 2)
    lines(doc, "p.lines")
    tag(doc, "{%p endfor %}")

    heading(doc, "Appendix C: Rules and Authorities Relied On", 1)
    tag(doc, "{%p for r in appendix.rules %}")
    para(doc, "Memo Record", bullet(0), ("{{ r.rule }}", "bold"), (": {{ r.statement }}", None),
         ("{% if r.analysis %} (The engine's own analysis, reasoning from the authorities "
          "below.){% endif %}", None))
    tag(doc, "{%p for c in r.cites %}")
    para(doc, line_style(1), bullet(1), ("{{ c.text }} ({{ c.grade }})", None),
         ("{% if c.quote %}: “{{ c.quote }}”{% endif %}", "Memo Cite"))
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")

    heading(doc, "Appendix D: How This Memo Was Made", 1)
    for label, value in (
            ("Engine", "{{ appendix.engine }} (compliance-engine {{ appendix.engine_version }})"),
            ("Rulebook", ("version {{ appendix.rulebook_version }}, sha256 "
                          "{{ appendix.rulebook_sha256 }}, {{ appendix.rules_in_force }} rules "
                          "in force")),
            ("As of", "{{ appendix.as_of }}"),
            ("Case file", "{{ appendix.case_file }}, sha256 {{ appendix.case_sha256 }}"),
            ("Readings pinned", ('{{ appendix.readings_pinned | join(", ") if '
                                 'appendix.readings_pinned else "none (every reading of a '
                                 'contested point was evaluated)" }}'))):
        para(doc, "Memo Line", bullet(0), (f"{label}: ", "bold"), (value, None))

    heading(doc, "Notes", 1)
    para(doc, "Normal", plain("Places in the case file {{ appendix.case_file }} "
                              "(sha256 {{ appendix.case_sha256 }})."))
    tag(doc, "{%p for n in notes %}")
    para(doc, "Memo Note", ("[{{ n.number }}]\t{{ n.text }}", None))
    tag(doc, "{%p endfor %}")


if __name__ == "__main__":
    main()
