"""The ``compliance-engine`` command line.

Results go to stdout, diagnostics to stderr.  Every :class:`EngineError` becomes its message on
stderr and exit status 1, never a traceback; any other exception is a bug in the engine and is
reported as CE900 with what to put in a bug report (the traceback only with ``--debug``).  Files
are written through :mod:`compliance_engine.output` (complete or not at all); ``assess``,
``memo`` and ``validate`` run within :mod:`compliance_engine.limits`.  Heavy modules (pydantic models, the solvers,
networkx, ruamel) are imported inside the commands so that ``--help`` starts fast.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import EngineError, Problem
from .limits import DEFAULT_TIMEOUT, default_max_memory, guard, memory_error, parse_size
from .output import check_target, write_atomic
from .terminal import visible

if TYPE_CHECKING:
    from .assess import Engine, EngineName
    from .result import Result

__all__ = ["exit_status", "main"]

EXIT_OK, EXIT_ERROR, EXIT_LIABLE, EXIT_NEEDS_FACTS, EXIT_INTERRUPTED = 0, 1, 3, 4, 130

_EXIT_CODES = """\b
Exit codes:
  0  success (and nothing --fail-on asks to report)
  1  error: bad case file, rulebook or option value, a time or memory
     limit reached, or a bug in the engine (coded message on stderr)
  2  usage error
  3  an uncured liability: a finding established or uncertain that no
     mitigation cures
  4  facts needed: no uncured liability, but some finding turns on a fact
     the case leaves unknown
  130  interrupted (Ctrl-C)"""

_STATEMENT_WIDTH = 60

_rules_option = click.option(
    "--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Rulebook directory (default: the rulebook shipped with the engine).")


class _Main(click.Group):
    """Reports every :class:`EngineError` raised by a command as a message and exit status 1;
    anything else as CE900-CE902 (a bug, interrupted, out of memory), never a traceback unless
    ``--debug`` asks for one."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except EngineError as error:
            click.echo(error.format(), err=True)
            ctx.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo(Problem("CE901", "interrupted").format(), err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except MemoryError:
            _trace(ctx)
            click.echo(memory_error(ctx.meta.get(_MEMORY)).format(), err=True)
            ctx.exit(EXIT_ERROR)
        except Exception as exc:  # noqa: BLE001 - the last resort: a bug, reported as one
            _trace(ctx)
            click.echo(_bug(exc), err=True)
            ctx.exit(EXIT_ERROR)


_MEMORY = "compliance_engine.max_memory"


def _trace(ctx: click.Context) -> None:
    if ctx.params.get("debug"):
        click.echo(traceback.format_exc(), err=True, nl=False)


def _bug(exc: Exception) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("compliance-engine")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        release = "(unknown version)"
    problem = Problem("CE900", f"internal error: {type(exc).__name__}: {exc}")
    return (f"{problem.format()}\n"
            f"This is a bug in compliance-engine {release}, not a problem with your input. "
            f"Please report it with the command line you ran, this version and the input "
            f"file(s); run it again as `compliance-engine --debug ...` to add the traceback.")


class _Size(click.ParamType):
    """A size in bytes (``512M``, ``4G``); ``0`` for no limit; ``auto`` for the default."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int | None:
        if value is None or isinstance(value, int):
            return value
        if str(value).strip().lower() == "auto":
            return default_max_memory()
        try:
            return parse_size(str(value)) or None
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _limited(command: Callable[..., None]) -> Callable[..., None]:
    """``--timeout`` and ``--max-memory`` on ``command``, which then runs within them."""

    @click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT,
                  show_default=True, metavar="SECONDS",
                  help="Stop with error CE903 after this many seconds (0: no limit).")
    @click.option("--max-memory", type=_Size(), default="auto", metavar="SIZE",
                  show_default="75% of RAM, at most 16G",
                  help="Stop with error CE902 beyond this much memory (address space), "
                       "e.g. 4G or 512M (0: no limit).")
    @functools.wraps(command)
    def run(*args: Any, timeout: float, max_memory: int | None, **kwargs: Any) -> None:
        click.get_current_context().meta[_MEMORY] = max_memory
        case = kwargs.get("case")
        with guard(timeout, max_memory, hard=True, file=None if case is None else str(case)):
            command(*args, **kwargs)

    return run


@click.group(cls=_Main, epilog=_EXIT_CODES)
@click.version_option(package_name="compliance-engine")
@click.option("--debug", is_flag=True,
              help="On an internal error (CE900), print the traceback too.")
def main(debug: bool) -> None:
    """Explained determinations of whether post-hoc mitigations cure liability arising from how
    a generative-AI model was trained."""


@main.command(epilog=_EXIT_CODES)
@click.argument("case", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report for counsel, or the JSON result contract.")
@click.option("--engine", type=click.Choice(["clingo", "pydatalog"]), default="clingo",
              show_default=True, help="Solver backend.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD",
              help="Assess at this date (YYYY-MM-DD) instead of the case's as_of.")
@click.option("--reading", "readings", multiple=True, metavar="NAME",
              help="Pin a contested point to one reading ('point:reading'); repeatable.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to FILE instead of stdout.")
@click.option("--force", is_flag=True, help="Allow -o to replace an existing file.")
@click.option("--flips/--no-flips", default=True, show_default=True,
              help="Try the opposite of each stated true/false fact a finding rests on and list "
                   "those that would change its status (one extra solve per such fact).")
@click.option("--fail-on", type=click.Choice(["never", "adverse", "indeterminate"]),
              default="indeterminate", show_default=True,
              help="never: exit 0 on success; adverse: exit 3 on an uncured liability; "
                   "indeterminate: also exit 4 when facts are needed.")
@_rules_option
@_limited
def assess(case: Path, fmt: str, engine: EngineName, as_of: _dt.datetime | None,
           readings: tuple[str, ...], output: Path | None, force: bool, flips: bool,
           fail_on: str, rules_dir: Path | None) -> None:
    """Assess a case: findings, mitigation effects, remedies, proofs.

    CASE is a case file (YAML or JSON)."""
    if output is not None:
        check_target(output, force)
    from .case.load import load_case

    loaded = load_case(case)
    result = _engine(rules_dir).assess(loaded, engine=engine, readings=readings, flips=flips,
                                       as_of=as_of.date() if as_of else None).result
    if fmt == "json":
        text = result.model_dump_json(indent=2) + "\n"
    else:
        from .report import render_text

        text = render_text(result)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text.encode("utf-8"), force)
    click.get_current_context().exit(exit_status(result, fail_on))


def exit_status(result: Result, fail_on: str) -> int:
    """3 for an uncured liability, else 4 if facts are needed, else 0, as ``fail_on`` allows."""
    cured = {effect.finding for mitigation in result.mitigations for effect in mitigation.effects
             if effect.effect == "cure" and effect.status == "established"}
    if fail_on != "never" and any(f.status in ("established", "uncertain") and f.id not in cured
                                  for f in result.findings):
        return EXIT_LIABLE
    if fail_on == "indeterminate" and any(f.status == "needs_facts" for f in result.findings):
        return EXIT_NEEDS_FACTS
    return EXIT_OK


@main.command()
@click.argument("case", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["md", "html", "docx", "pdf"]), default="md",
              show_default=True, help="Markdown (canonical), HTML, Word or PDF.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the memo to FILE (required for docx and pdf unless stdout is a file).")
@click.option("--force", is_flag=True, help="Allow -o to replace an existing file.")
@click.option("--template", "template_dir", type=click.Path(path_type=Path), default=None,
              metavar="DIR", help="Directory of templates overriding the built-in ones "
                                  "(memo.md.j2, lines.md.j2, memo.html.j2, memo.css, memo.docx).")
@click.option("--privileged", is_flag=True,
              help="Add the attorney-client privilege / work-product legend.")
@click.option("--to", "to", default="File", show_default=True, help="TO line.")
@click.option("--from", "author", default="compliance-engine (automated draft)",
              show_default=True, help="FROM line.")
@click.option("--re", "re_", default=None, help="RE line (default: from the case title).")
@click.option("--engine", type=click.Choice(["clingo", "pydatalog"]), default="clingo",
              show_default=True, help="Solver backend.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="Assess at this date instead of the case's as_of.")
@click.option("--reading", "readings", multiple=True, metavar="NAME",
              help="Pin a contested point to one reading ('point:reading'); repeatable.")
@_rules_option
@_limited
def memo(case: Path, fmt: str, output: Path | None, force: bool, template_dir: Path | None,
         privileged: bool, to: str, author: str, re_: str | None, engine: EngineName,
         as_of: _dt.datetime | None, readings: tuple[str, ...], rules_dir: Path | None) -> None:
    """Draft an office memorandum (CREAC) on CASE from the determination and its proofs.

    The draft is for attorney review: every statement cites a rule's authority or a fact of the
    case file.  Identical input gives identical Markdown and HTML."""
    if output is not None:
        check_target(output, force)
    binary = fmt in ("docx", "pdf")
    if binary and output is None and sys.stdout.isatty():
        raise EngineError.single("CE405", f"a {fmt} memo is binary; not writing it to a terminal",
                                 expected="-o FILE")
    from .case.load import load_case
    from .memo import MemoOptions, build_context, render

    loaded = load_case(case)
    engine_ = _engine(rules_dir)
    result = engine_.assess(loaded, engine=engine, readings=readings, flips=True,
                            as_of=as_of.date() if as_of else None).result
    options = MemoOptions(to=to, author=author, re=re_, privileged=privileged)
    data = render(build_context(result, loaded, engine_.rulebook, options), fmt,  # type: ignore[arg-type]
                  template_dir)
    if output is None:
        click.echo(data, nl=False)
    else:
        write_atomic(output, data, force)


@main.command()
@click.argument("case", type=click.Path(path_type=Path))
@_rules_option
@_limited
def validate(case: Path, rules_dir: Path | None) -> None:
    """Check the case file CASE and list the facts it leaves unknown that the outcome can turn
    on (the assessment reasons over every value they could take)."""
    from .case.load import load_case

    loaded = load_case(case)
    unknown = _engine(rules_dir).assess(loaded).result.unknown_facts
    _say(f"OK: {case}: {len(loaded.case.acts)} acts, {len(loaded.case.mitigations)} "
         f"mitigations, {len(unknown)} unknown facts the outcome can turn on")
    for fact in unknown:
        _say(f"  {fact.fact} (one of: {', '.join(fact.values)})")


def _say(text: str) -> None:
    """A line of case or rule text on stdout, control characters escaped."""
    click.echo(visible(text))


@main.command()
@click.option("--result", "of_result", is_flag=True,
              help="The schema of the JSON result instead of the case file format.")
def schema(of_result: bool) -> None:
    """Print the JSON Schema of the case format or the result."""
    from .case.model import Case
    from .result import Result

    model = Result if of_result else Case
    click.echo(json.dumps(model.model_json_schema(), indent=2, sort_keys=True,
                          ensure_ascii=False))


@main.group()
def rules() -> None:
    """Inspect and check the rulebook."""


@rules.command("list")
@_rules_option
def rules_list(rules_dir: Path | None) -> None:
    """One line per rule: id, module, jurisdiction, grade, statement."""
    rows = [(r.id, r.module, r.jurisdiction,
             r.decl.authorities[0].grade if r.decl.authorities else "-",
             _truncate(r.decl.statement)) for r in _engine(rules_dir).rulebook.rules]
    header = ("ID", "MODULE", "JURISDICTION", "GRADE", "STATEMENT")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        _say("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[4]]))


def _truncate(text: str) -> str:
    return text if len(text) <= _STATEMENT_WIDTH else text[:_STATEMENT_WIDTH - 1] + "…"


@rules.command("show")
@click.argument("rule_id", metavar="ID")
@_rules_option
def rules_show(rule_id: str, rules_dir: Path | None) -> None:
    """Everything about the rule ID: statement, rule text, authorities, place, validity."""
    rulebook = _engine(rules_dir).rulebook
    try:
        rule = rulebook.rule(rule_id)
    except KeyError:
        import difflib

        close = difflib.get_close_matches(rule_id, [r.id for r in rulebook.rules], n=3)
        raise EngineError.single("CE403", f"no rule with id {rule_id!r}",
                                 expected=", ".join(close) if close else None) from None
    decl = rule.decl
    reading = f"{decl.reading.point}:{decl.reading.name}" if decl.reading else "none (always)"
    _say(rule.id)
    _say(f"  Statement:    {decl.statement}")
    _say(f"  Rule:         {decl.rule}")
    _say(f"  Module:       {rule.module} ({rule.jurisdiction}), burden on the {rule.burden}")
    _say(f"  Defined at:   {rule.file}:{rule.line}")
    _say(f"  Valid:        from {decl.valid_from or '(no start)'} to "
         f"{decl.valid_to or '(no end)'}")
    _say(f"  Reading:      {reading}")
    _say("  Authorities:")
    for authority in decl.authorities:
        pinpoint = f", {authority.pinpoint}" if authority.pinpoint else ""
        tag = f" [{authority.tag}]" if authority.tag else ""
        kind = (authority.kind or "").replace("_", " ") + (", foreign" if authority.foreign
                                                           else "")
        _say(f"    — {authority.cite}{pinpoint} ({authority.grade}; {kind}){tag}")
        if authority.quote:
            _say(f"      “{authority.quote}”")


@rules.command("lint")
@_rules_option
def rules_lint(rules_dir: Path | None) -> None:
    """Load and check the rulebook; list every problem (exit 1) or print a summary."""
    rulebook = _engine(rules_dir).rulebook
    declared = sum(1 for p in rulebook.predicates.values() if p.kind != "base")
    click.echo(f"OK: {len(rulebook.rules)} rules, {declared} predicates, "
               f"{len(rulebook.points)} contested points")


@rules.command("authorities")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@_rules_option
def rules_authorities(fmt: str, rules_dir: Path | None) -> None:
    """Per module: citations by kind and grade, and the rules that are the engine's own
    analysis."""
    from .rulebook.authorities import authority_summary, render_summary

    summary = authority_summary(_engine(rules_dir).rulebook)
    if fmt == "json":
        click.echo(json.dumps([m.as_json() for m in summary], indent=2, sort_keys=True))
    else:
        click.echo(render_summary(summary), nl=False)


@rules.command("coverage")
@click.option("--cases", "cases_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Directory of case studies (default: the bundled ones).")
@click.option("--record", "records", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Coverage record written by the test suite (RULE_COVERAGE_FILE); repeatable.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--summary", is_flag=True, help="Totals and unexercised rules only.")
@_rules_option
def rules_coverage(cases_dir: Path | None, records: tuple[Path, ...], fmt: str, summary: bool,
                   rules_dir: Path | None) -> None:
    """Which case studies and scenario files exercise each rule and each authority."""
    import json

    from .coverage import Coverage, case_study_coverage, read_records
    from .rulebook.load import default_rules_dir

    engine = _engine(rules_dir)
    coverage = Coverage(engine.rulebook)
    case_study_coverage(coverage, engine,
                        cases_dir or default_rules_dir().parent / "case_studies")
    for record in records:
        try:
            read_records(coverage, record)
        except (ValueError, AttributeError) as exc:
            raise EngineError.single("CE404", f"not a coverage record: {exc}",
                                     file=str(record)) from None
    if fmt == "json":
        click.echo(json.dumps(coverage.as_json(), indent=2, sort_keys=True))
    else:
        click.echo(coverage.render(detail=not summary), nl=False)


def _engine(rules_dir: Path | None) -> Engine:
    from .assess import Engine

    return Engine(rules_dir)


if __name__ == "__main__":  # pragma: no cover - python -m compliance_engine.cli
    main()
