"""PDF from the HTML memo, by weasyprint (the ``pdf`` extra).  Nothing is fetched: the HTML
holds everything it shows.  A URL other than a ``data:`` URL (an image, stylesheet or font a
template points to) stops the render with CE503 naming it, rather than being left out of the PDF:
weasyprint itself only logs a resource it cannot load, so the fetcher raises the one exception
weasyprint lets through, and a relative URL (which never reaches the fetcher, the memo having no
base URL) is caught in weasyprint's log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .templating import TemplateError

__all__ = ["render_pdf"]

_TEMPLATES = "memo.html.j2"  # the page template; memo.css is included in it


def render_pdf(html: str) -> bytes:
    try:
        import weasyprint
        from weasyprint.urls import FatalURLFetchingError, URLFetcher
    except ImportError:
        raise TemplateError.single("CE510", "PDF memos need weasyprint",
                                   expected="pip install 'compliance-engine[pdf]'") from None
    except OSError as exc:  # weasyprint loads Pango when imported
        raise TemplateError.single("CE510",
                                   f"weasyprint cannot load its system libraries: {exc}",
                                   expected="Pango 1.44 or newer") from None

    class Refused(FatalURLFetchingError):
        def __init__(self, url: str) -> None:
            super().__init__(url)
            self.url = url

    class DataOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.lower().startswith("data:"):
                raise Refused(url)
            return super().fetch(url, headers)

    document = weasyprint.HTML(string=html, url_fetcher=DataOnly(allowed_protocols={"data"}))
    try:
        with _relative_urls(weasyprint.LOGGER) as relative:
            data = bytes(document.write_pdf())
    except Refused as exc:
        raise _refused(exc.url) from None
    if relative:
        raise _refused(relative[0])
    return data


def _refused(url: str) -> TemplateError:
    shown = url if len(url) <= 200 else url[:199] + "…"
    return TemplateError.single("CE503", f"template refused: the PDF would fetch {shown}",
                                file=_TEMPLATES, expected="only data: URLs (the memo "
                                                          "fetches nothing)")


@contextmanager
def _relative_urls(logger: logging.Logger) -> Iterator[list[str]]:
    """The relative URLs weasyprint reports (and skips) while the block runs."""
    found: list[str] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if str(record.msg).startswith("Relative URI reference without a base URI"):
                args = record.args if isinstance(record.args, tuple) else ()
                found.append(str(args[0]) if args else record.getMessage())

    handler = Catch(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)
