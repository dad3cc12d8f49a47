"""The Word memo: every section in order, the content, the legend, byte-for-byte repeatable
output, case-file text shown literally, and templates that fail with a coded error."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("docxtpl")

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate

from compliance_engine.assess import Engine
from compliance_engine.case.load import LoadedCase, load_case
from compliance_engine.memo import (
    MemoContext,
    MemoOptions,
    TemplateError,
    build_context,
    render,
)
from compliance_engine.memo.docx import TEMPLATE, render_docx
from compliance_engine.memo.templating import environment
from compliance_engine.result import Result

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ("<script>alert(1)</script>", "a & b", "{{ 7*7 }}", "{% if %}")


@dataclass(frozen=True)
class Assessed:
    result: Result
    loaded: LoadedCase
    engine: Engine

    def context(self, **options: object) -> MemoContext:
        return build_context(self.result, self.loaded, self.engine.rulebook,
                             MemoOptions(**options))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Text:
    """A rendered memo read back: its body paragraphs (table cells included) in order, as
    (style name, text), and the text of its header."""

    body: list[tuple[str, str]]
    header: str

    def texts(self) -> list[str]:
        return [text for _, text in self.body]

    def styled(self, *styles: str) -> list[str]:
        return [text for style, text in self.body if style in styles]

    def has(self, text: str) -> bool:
        return any(text in t for t in self.texts())


def assess(engine: Engine, path: Path) -> Assessed:
    loaded = load_case(path)
    return Assessed(engine.assess(loaded, flips=True).result, loaded, engine)


def read(data: bytes) -> Text:
    document = docx.Document(io.BytesIO(data))
    body: list[tuple[str, str]] = []

    def add(paragraph: Paragraph) -> None:
        style = paragraph.style.name if paragraph.style is not None else ""
        body.append((style or "", " ".join(paragraph.text.split())))

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        add(paragraph)
        else:
            add(block)
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    return Text(body, header)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def bartz(engine: Engine, assessed: Any) -> Assessed:
    loaded, result = assessed("bartz")
    return Assessed(result, loaded, engine)


@pytest.fixture(scope="module")
def bartz_docx(bartz: Assessed) -> tuple[MemoContext, bytes]:
    context = bartz.context()
    return context, render_docx(context, None)


def test_sections_in_order(bartz_docx: tuple[MemoContext, bytes]) -> None:
    context, data = bartz_docx
    memo = read(data)
    assert memo.styled("Title") == ["MEMORANDUM"]
    assert memo.styled("Heading 1") == [
        "Questions Presented", "Brief Answers", "Statement of Facts", "Discussion",
        "Remedies Exposure", "Recommendations", "Appendix A: Lineage", "Appendix B: Proofs",
        "Appendix C: Rules and Authorities Relied On", "Appendix D: How This Memo Was Made",
        "Notes"]
    facts = ["Background", "Chronology"] + (["Disputed facts"] if context.disputed else []) \
        + ["Missing facts"] + (["Assumed facts"] if context.assumed else [])
    issues = [flat(f"{i.number}. {i.title}") for i in context.issues]
    settled = ["Liabilities considered and not established"] if context.not_established else []
    proofs = [flat(f"{p.label} {p.title}") for p in context.appendix.proofs]
    assert memo.styled("Heading 2") == facts + issues + settled + proofs
    assert len(issues) > 1 and len(proofs) > 1
    parts = [t for t in memo.styled("Heading 3") if t != "Explanation"]
    assert parts == [part for i in context.issues for part in
                     ["Rule", "Application"]
                     + (["Counter-arguments and sensitivity"] if i.counter else [])]
    texts = memo.texts()
    assert texts.index("MEMORANDUM") < texts.index("TO:") < texts.index("Questions Presented")


def test_same_sections_as_markdown(bartz_docx: tuple[MemoContext, bytes]) -> None:
    """The Word memo follows the canonical Markdown memo section by section (it adds only a
    heading for the notes, which Markdown shows as footnotes)."""
    context, data = bartz_docx
    markdown = render(context, "md").decode()
    headings = [(m[1], re.sub(r"\\(.)", r"\1", m[2]))
                for m in re.finditer(r"^(#{1,3}) (.*)$", markdown, re.MULTILINE)]
    memo = read(data)
    word = [(level, text) for style, text in memo.body
            for level, name in (("#", "Title"), ("##", "Heading 1"), ("###", "Heading 2"))
            if style == name]
    assert word == headings + [("##", "Notes")]


def test_content(bartz_docx: tuple[MemoContext, bytes]) -> None:
    context, data = bartz_docx
    memo = read(data)
    texts = memo.texts()
    assert flat(context.heading.banner) in texts
    assert flat(context.heading.re) in texts
    numbered = memo.styled("Memo Numbered")
    assert [flat(f"{q.number}. {q.text}") for q in context.questions] \
        == numbered[:len(context.questions)]
    assert [flat(f"{a.number}. {a.label}. {a.text}") for a in context.answers] \
        == numbered[len(context.questions):]
    for key in context.answer_key:
        assert memo.has(flat(key))
    notes = memo.styled("Memo Note")
    assert notes == [flat(f"[{n.number}] {n.text}") for n in context.notes]
    assert len(notes) > 100
    for row in context.remedies:
        assert flat(row.turns_on) in texts and flat(row.remedy) in texts
    for proof in context.appendix.proofs:
        for line in proof.lines:
            assert memo.has(flat(line.text))
    deepest = max(line.depth for p in context.appendix.proofs for line in p.lines)
    assert any(style == f"Memo Line {deepest + 1}" for style, _ in memo.body)
    assert memo.has(context.appendix.rulebook_sha256)
    assert "DRAFT — requires attorney review" in memo.header
    assert not any("{{" in t or "{%" in t for t in texts)


def test_legend_only_when_privileged(bartz: Assessed,
                                     bartz_docx: tuple[MemoContext, bytes]) -> None:
    context, data = bartz_docx
    plain = read(data)
    legend = flat(context.heading.legend)
    assert not plain.has(legend) and legend not in plain.header
    privileged = read(render_docx(bartz.context(privileged=True), None))
    assert privileged.has(legend) and legend in privileged.header


def test_same_bytes_every_time(bartz_docx: tuple[MemoContext, bytes]) -> None:
    context, data = bartz_docx
    assert render(context, "docx") == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])


def test_case_text_is_shown_literally(engine: Engine, tmp_path: Path) -> None:
    source = (ROOT / "case_studies" / "exante_licensed" / "case.yaml").read_text()
    hostile = " ".join(HOSTILE)
    title = "title: Planned pipeline on licensed and public-domain data (ex-ante check)"
    summary = ("summary: A developer plans to train a model on a licensed news corpus and "
               "public-domain books.")
    edited = (source.replace(title, f'title: "Planned {hostile} pipeline"')
              .replace(summary, f'summary: "{hostile} A developer plans"')
              .replace("name: Acme AI,", f'name: "Acme {hostile}",'))
    assert edited.count(hostile) == 3
    case = tmp_path / "case.yaml"
    case.write_text(edited)
    assessed = assess(engine, case)
    context = assessed.context(to=hostile)
    memo = read(render_docx(context, None))
    assert sum(hostile in t for t in memo.texts()) >= 4  # to, re, summary, party name
    assert memo.has(f"Acme {hostile}")
    assert not memo.has("Planned 49")


@pytest.mark.parametrize(("text", "code"), [("{{ heading.__class__ }}", "CE503"),
                                            ("{{ no_such_field }}", "CE502"),
                                            ("{{ heading.to.__class__.__mro__ }}", "CE503"),
                                            ("{% if %}", "CE501")])
def test_bad_template_is_a_coded_error(bartz_docx: tuple[MemoContext, bytes], tmp_path: Path,
                                       text: str, code: str) -> None:
    document = docx.Document()
    document.add_paragraph("Memo for {{ heading.to }}")
    document.add_paragraph(text)
    document.save(str(tmp_path / "memo.docx"))
    with pytest.raises(TemplateError) as caught:
        render_docx(bartz_docx[0], tmp_path)
    assert caught.value.codes == [code]
    assert caught.value.problems[0].file == str(tmp_path / "memo.docx")


def test_not_a_word_file(bartz_docx: tuple[MemoContext, bytes], tmp_path: Path) -> None:
    (tmp_path / "memo.docx").write_bytes(b"not a zip file")
    with pytest.raises(TemplateError) as caught:
        render_docx(bartz_docx[0], tmp_path)
    assert caught.value.codes == ["CE507"]
    assert str(tmp_path / "memo.docx") in str(caught.value)


def test_user_template_is_used(bartz_docx: tuple[MemoContext, bytes], tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Memo for {{ heading.to }}: {{ issues | length }} issues")
    document.save(str(tmp_path / "memo.docx"))
    context = bartz_docx[0]
    memo = read(render_docx(context, tmp_path))
    assert memo.texts() == [f"Memo for {context.heading.to}: {len(context.issues)} issues"]


def test_template_reads_only_the_context() -> None:
    names = DocxTemplate(str(TEMPLATE)).get_undeclared_template_variables(
        jinja_env=environment(None, autoescape=True))
    assert "issues" in names and "heading" in names
    assert names <= set(MemoContext.model_fields)
