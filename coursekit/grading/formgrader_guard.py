"""nbgrader's formgrader, as coursekit runs it, shows learner names and ids as text and runs only its own script.

A Jupyter server extension, on wherever coursekit starts formgrader (``coursekit
grade``'s trainer mode, the hub's trainer servers and formgrader service).
nbgrader renders its pages with Jinja without autoescape, so a learner's first
or last name (``<img src=x onerror=…>``) or id would become markup in the
trainer's page. This extension, once every extension is loaded:

- replaces formgrader's Jinja environment by one that autoescapes, and makes
  the submission view's exporter escape the names and ids it is given
  (nbconvert's own environment must not autoescape: it renders the notebook);
- marks every ``<script>`` written in formgrader's (and nbconvert's) template
  files with a placeholder only the server knows, which
  :class:`ContentSecurityPolicy` replaces by a fresh nonce per response, and
  sends a Content-Security-Policy that runs no other script: no injected
  ``<script>``, no ``on…=`` attribute, no ``javascript:`` link. The few
  ``onclick`` attributes formgrader's templates hold are allowed by their
  hashes (``'unsafe-hashes'``); nothing else inline runs. MathJax, which
  nbconvert loads from a CDN, does not run in the submission view (formulas
  show as their TeX source).

The pure part (:func:`mark_scripts`, :func:`handler_hashes`, :func:`policy`) has
no Jupyter imports; the adapter functions at the end are the extension.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PLACEHOLDER = "ck" + secrets.token_hex(10)
"""What the template files' ``<script>`` tags carry until a response gets its nonce (secret: never sent)."""
HTML_PREFIXES = ("/formgrader",)
"""The paths (after the server's base URL) whose pages get the policy."""
_SCRIPT_TAG = re.compile(r"<script(?=[\s>])(?![^>]*\ssrc\s*=)", re.I)
_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def mark_scripts(source: str, placeholder: str = PLACEHOLDER) -> str:
    """A template's source with every inline ``<script>`` given ``nonce="<placeholder>"``.

    A ``<script src=…>`` is left alone: it runs only from the server itself (``'self'``), so nbconvert's
    MathJax from a CDN does not load.
    """
    return _SCRIPT_TAG.sub(f'<script nonce="{placeholder}"', source)


def handler_hashes(sources: Iterable[str]) -> list[str]:
    """CSP hash sources (``'sha256-…'``) of every inline event handler written in the template ``sources``."""
    found = {next(g for g in m.groups() if g is not None) for s in sources for m in _HANDLER.finditer(s)}
    return sorted(f"'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'" for code in found)


def policy(nonce: str, hashes: Iterable[str] = ()) -> str:
    """The Content-Security-Policy of a formgrader page: only the server's own and its nonce'd scripts run."""
    allowed = list(hashes)
    scripts = " ".join(["'self'", f"'nonce-{nonce}'", *(["'unsafe-hashes'", *allowed] if allowed else [])])
    return (f"script-src {scripts}; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'self'")


def escaped_resources(resources: dict[str, Any]) -> dict[str, Any]:
    """The resources a formgrader handler passes to the exporter with every text HTML-escaped."""
    return {k: html.escape(v, quote=True) if isinstance(v, str) else v for k, v in resources.items()}


# --- the adapter: a Jupyter server extension ------------------------------------------------------


def _template_hashes(folders: Iterable[str]) -> list[str]:
    sources = [p.read_text(encoding="utf-8", errors="replace") for folder in folders
               for p in Path(folder).rglob("*") if p.is_file() and p.suffix in (".tpl", ".j2", ".html")]
    return handler_hashes(sources)


def _marking_loader(base: Any) -> Any:
    from jinja2 import BaseLoader

    class MarkingLoader(BaseLoader):
        """``base``'s templates with their ``<script>`` tags marked (see :func:`mark_scripts`)."""

        def get_source(self, environment: Any, template: str) -> tuple[str, str | None, Any]:
            source, filename, uptodate = base.get_source(environment, template)
            return mark_scripts(source), filename, uptodate

        def list_templates(self) -> list[str]:
            return base.list_templates()

    return MarkingLoader()


def _guarded_exporter(stock: Any) -> Any:
    from jinja2 import FileSystemLoader
    from nbconvert.exporters import HTMLExporter

    class GuardedHTMLExporter(HTMLExporter):
        """formgrader's submission view: names and ids escaped, template scripts marked for the nonce."""

        def from_filename(self, filename: str, resources: dict[str, Any] | None = None,
                          **kw: Any) -> tuple[str, dict[str, Any]]:
            return super().from_filename(filename, escaped_resources(resources or {}), **kw)

    exporter = GuardedHTMLExporter(config=stock.config)
    exporter.extra_loaders = [_marking_loader(FileSystemLoader(exporter.template_paths))]
    return exporter


def guard(settings: dict[str, Any]) -> bool:
    """Make formgrader's settings (a Tornado application's) escape and mark scripts; False when not loaded."""
    from jinja2 import Environment

    env = settings.get("nbgrader_jinja2_env")
    if env is None or settings.get("coursekit_formgrader_guarded"):
        return env is not None
    settings["nbgrader_jinja2_env"] = Environment(loader=_marking_loader(env.loader), autoescape=True)
    exporter = _guarded_exporter(settings["nbgrader_exporter"])
    settings["nbgrader_exporter"] = exporter
    folders = [*env.loader.searchpath, *exporter.template_paths]
    settings["coursekit_csp_hashes"] = _template_hashes(folders)
    settings["coursekit_formgrader_guarded"] = True
    return True


def _policy_transform(base_url: str, settings: dict[str, Any]) -> type:
    from tornado.web import OutputTransform

    prefixes = tuple(base_url.rstrip("/") + prefix for prefix in HTML_PREFIXES)

    class ContentSecurityPolicy(OutputTransform):
        """Every formgrader HTML page: a fresh nonce in place of the placeholder, and the policy header."""

        def __init__(self, request: Any) -> None:
            super().__init__(request)
            self.nonce = secrets.token_urlsafe(16)
            self.active = request.path.startswith(prefixes)

        def transform_first_chunk(self, status_code: int, headers: Any, chunk: bytes,
                                  finishing: bool) -> tuple[int, Any, bytes]:
            is_html = headers.get("Content-Type", "").startswith("text/html")
            self.active = (self.active and is_html) or PLACEHOLDER.encode() in chunk
            if self.active:
                chunk = self.transform_chunk(chunk, finishing)
                headers["Content-Security-Policy"] = policy(self.nonce, settings.get("coursekit_csp_hashes", ()))
                headers["Cache-Control"] = "no-store"
                headers.pop("Etag", None)
                if "Content-Length" in headers:
                    headers["Content-Length"] = str(len(chunk))
            return status_code, headers, chunk

        def transform_chunk(self, chunk: bytes, finishing: bool) -> bytes:
            return chunk.replace(PLACEHOLDER.encode(), self.nonce.encode()) if self.active else chunk

    return ContentSecurityPolicy


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    web_app = serverapp.web_app
    # first, so that it sees the page before any compression does
    web_app.transforms.insert(0, _policy_transform(web_app.settings.get("base_url", "/"), web_app.settings))
    guard(web_app.settings)  # when nbgrader's formgrader loaded first; else at start, below


async def _start_jupyter_server_extension(serverapp: Any) -> None:
    if not guard(serverapp.web_app.settings):
        serverapp.log.warning("coursekit: nbgrader's formgrader is not loaded; nothing to guard")
