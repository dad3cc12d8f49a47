"""PDF from the HTML memo, by weasyprint (the ``pdf`` extra).  Nothing is fetched: the HTML
holds everything it shows, and any URL other than a ``data:`` URL is refused."""

from __future__ import annotations

from ..errors import EngineError

__all__ = ["render_pdf"]


def render_pdf(html: str) -> bytes:
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except ImportError:
        raise EngineError.single("CE510", "PDF memos need weasyprint",
                                 expected="pip install 'compliance-engine[pdf]'") from None
    except OSError as exc:  # weasyprint loads Pango when imported
        raise EngineError.single("CE510", f"weasyprint cannot load its system libraries: {exc}",
                                 expected="Pango 1.44 or newer") from None
    document = weasyprint.HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}))
    return bytes(document.write_pdf())
