"""``memo --template DIR``: templates stay inside DIR, cannot allocate without bound, and a PDF
fetches nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from headroom import memory_headroom

from compliance_engine.cli import main
from compliance_engine.memo.templating import TemplateError, environment, guarded

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "case_studies" / "exante_licensed" / "case.yaml"
SECRET = "the secret content of a file outside the template directory"


def render(directory: Path, name: str) -> str:
    env = environment(directory, autoescape=False)
    return guarded(lambda: env.get_template(name).render(), name)


def refusal(directory: Path, name: str) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        render(directory, name)
    return caught.value


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    return secret


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    directory = tmp_path / "templates"
    directory.mkdir()
    return directory


@pytest.mark.parametrize("link", ["absolute", "relative"])
def test_a_symlink_out_of_the_directory_is_refused(templates: Path, outside: Path,
                                                   link: str) -> None:
    (templates / "memo.md.j2").symlink_to(outside if link == "absolute"
                                          else Path("..") / outside.name)
    error = refusal(templates, "memo.md.j2")
    assert error.codes == ["CE505"]
    assert error.problems[0].file == str(templates / "memo.md.j2")
    assert "outside the template directory" in str(error)


def test_an_include_through_a_symlinked_directory_is_refused(templates: Path,
                                                             outside: Path) -> None:
    (templates / "sub").symlink_to(outside.parent)
    (templates / "memo.md.j2").write_text('{% include "sub/secret.txt" %}', encoding="utf-8")
    error = refusal(templates, "memo.md.j2")
    assert error.codes == ["CE505"] and SECRET not in str(error)


def test_a_symlink_within_the_directory_is_followed(templates: Path) -> None:
    (templates / "real.j2").write_text("{{ 1 + 1 }}", encoding="utf-8")
    (templates / "memo.md.j2").symlink_to(templates / "real.j2")
    assert render(templates, "memo.md.j2") == "2"


def test_cli_memo_with_a_symlinked_template_shows_nothing_of_it(templates: Path,
                                                                outside: Path) -> None:
    (templates / "memo.md.j2").symlink_to(outside)
    result = CliRunner().invoke(main, ["memo", str(CASE), "--template", str(templates)])
    assert result.exit_code == 1
    assert "CE505" in result.stderr and "memo.md.j2" in result.stderr
    assert SECRET not in result.output


def test_a_symlinked_word_template_is_refused(templates: Path, outside: Path,
                                              tmp_path: Path) -> None:
    pytest.importorskip("docxtpl")
    (templates / "memo.docx").symlink_to(outside)
    result = CliRunner().invoke(main, ["memo", str(CASE), "--format", "docx", "-o",
                                       str(tmp_path / "memo.docx"), "--template",
                                       str(templates)])
    assert result.exit_code == 1
    assert "CE505" in result.stderr and "memo.docx" in result.stderr


HUGE = [
    '{{ "x" | center(1000000000) }}',
    '{{ "x".center(1000000000) }}',
    '{{ "x".ljust(1000000000) }}',
    '{{ "x".rjust(1000000000) }}',
    '{{ "x".zfill(1000000000) }}',
    '{{ ("\t" * 1000).expandtabs(1000000000) }}',
    '{{ "%1000000000d" % 1 }}',
    '{{ "%*d" % (1000000000, 1) }}',
    '{{ "%.1000000000f" | format(1.0) }}',
    '{{ "{:>1000000000}".format(1) }}',
    '{{ "{:>{}}".format(1, 1000000000) }}',
    '{{ "{w:>{n}}".format_map({"w": 1, "n": 1000000000}) }}',
    '{{ "a\nb" | indent(1000000000) }}',
    '{{ "a b c" | wordwrap(1, wrapstring="x" * 60000000) }}',
    '{{ ("x" * 60000000) | replace("x", "yy") }}',
    '{{ ("x" * 60000000).replace("", "y") }}',
    '{{ (["x" * 60000000] * 60) | join }}',
    '{{ "".join(["x" * 60000000] * 60) }}',
    '{{ range(100000) | join("x" * 1000) }}',
    '{{ range(10) | slice(1000000000) | list }}',
    '{{ range(10) | batch(1000000000, "x") | list }}',
    '{{ {"a": [1, 2]} | tojson(1000000000) }}',
    ('{% set ns = namespace(s="x" * 1000000) %}{% for i in range(40) %}'
     '{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}'),
    ('{% set ns = namespace(s="x" * 1000000) %}{% for i in range(40) %}'
     '{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}'),
    '{% for i in range(100) %}{{ "x" * 60000000 }}{% endfor %}',
]


@pytest.fixture
def little_memory() -> Iterator[None]:
    """At most 2 GiB more address space than the test process has now: a template that
    allocated what it asks for would end in MemoryError (CE506), not in the CE503 refusal."""
    with memory_headroom(2 << 30):
        yield


@pytest.mark.parametrize("template", HUGE)
def test_huge_values_are_refused_before_they_are_built(templates: Path, template: str,
                                                       little_memory: None) -> None:
    (templates / "memo.md.j2").write_text(template, encoding="utf-8")
    error = refusal(templates, "memo.md.j2")
    assert error.codes == ["CE503"], str(error)
    assert str(error.problems[0].file).endswith("memo.md.j2")


def test_lipsum_is_not_available(templates: Path) -> None:
    (templates / "memo.md.j2").write_text("{{ lipsum(1000000000) }}", encoding="utf-8")
    assert refusal(templates, "memo.md.j2").codes == ["CE502"]


def test_ordinary_padding_and_formatting_still_work(templates: Path) -> None:
    (templates / "memo.md.j2").write_text(
        '{{ "x" | center(5) }}|{{ "%3d" | format(7) }}|{{ "%-4s" % "ab" }}|{{ "{:>4}".format(1) }}'
        '|{{ "a b" | wordwrap(1) | indent(2) }}|{{ [1, 2] | join(",") }}|{{ "ab".replace("a", "c") }}'
        '|{{ "a" ~ "b" }}|{{ "x".zfill(3) }}|{{ {"a": 1} | tojson }}|{{ 2 ** 10 }}',
        encoding="utf-8")
    assert render(templates, "memo.md.j2") == \
        '  x  |  7|ab  |   1|a\n  b|1,2|cb|ab|00x|{"a": 1}|1024'


@pytest.mark.parametrize(("tag", "url"), [
    ('<img src="https://example.com/logo.png">', "https://example.com/logo.png"),
    ('<link rel="stylesheet" href="file:///etc/passwd">', "file:///etc/passwd"),
    ('<style>p { background: url("http://127.0.0.1:9/x.png") }</style>',
     "http://127.0.0.1:9/x.png"),
    ('<img src="logo.png">', "logo.png"),
])
def test_a_pdf_that_would_fetch_a_url_is_refused_naming_it(tag: str, url: str) -> None:
    pytest.importorskip("weasyprint")
    from compliance_engine.memo.pdf import render_pdf

    with pytest.raises(TemplateError) as caught:
        render_pdf(f"<html><body>{tag}<p>text</p></body></html>")
    assert caught.value.codes == ["CE503"]
    assert f"the PDF would fetch {url}" in str(caught.value)


def test_a_pdf_with_a_data_url_renders() -> None:
    pytest.importorskip("weasyprint")
    from compliance_engine.memo.pdf import render_pdf

    pixel = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42m"
             "P8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    assert render_pdf(f'<img src="{pixel}"><p>text</p>').startswith(b"%PDF")


def test_cli_pdf_memo_with_a_remote_image_in_its_template(templates: Path,
                                                          tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    page = (ROOT / "compliance_engine/memo/templates/memo.html.j2").read_text(encoding="utf-8")
    (templates / "memo.html.j2").write_text(
        page.replace("<body>", '<body><img src="https://example.com/logo.png">', 1),
        encoding="utf-8")
    target = tmp_path / "memo.pdf"
    result = CliRunner().invoke(main, ["memo", str(CASE), "--format", "pdf", "-o", str(target),
                                       "--template", str(templates)])
    assert result.exit_code == 1
    assert "CE503" in result.stderr and "https://example.com/logo.png" in result.stderr
    assert not target.exists()
