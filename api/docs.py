"""Serves the interactive API docs (Swagger UI) from the installed `swagger-ui-bundle`
package, so `/docs` works offline and under a Content-Security-Policy of `'self'`."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

DOCS_URL = "/docs"
ASSETS = f"{DOCS_URL}/assets"
OAUTH2_REDIRECT_URL = f"{DOCS_URL}/oauth2-redirect"

INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def docs_csp(html: str) -> str:
    """The policy for one docs page: its own origin, plus the SHA-256 of each inline script
    it carries (Swagger UI starts from one)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in INLINE_SCRIPT.findall(html)
    )
    # NOTE: Swagger UI's React views set style attributes and its icons are data: SVGs.
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def _with_csp(page: HTMLResponse) -> HTMLResponse:
    html = bytes(page.body).decode()
    return HTMLResponse(html, headers={"Content-Security-Policy": docs_csp(html)})


def mount(app: FastAPI) -> None:
    """Add `/docs`, its OAuth2 redirect and Swagger UI's assets to `app` (built without
    FastAPI's CDN-backed docs: `docs_url=None`, `redoc_url=None`)."""
    router = APIRouter(include_in_schema=False)
    openapi_url = app.openapi_url or "/openapi.json"
    docs = _with_csp(
        get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=OAUTH2_REDIRECT_URL,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )
    )
    redirect = _with_csp(get_swagger_ui_oauth2_redirect_html())

    @router.get(DOCS_URL)
    def swagger_ui() -> HTMLResponse:
        """Swagger UI over this API's OpenAPI document."""
        return docs

    @router.get(OAUTH2_REDIRECT_URL)
    def oauth2_redirect() -> HTMLResponse:
        """Where Swagger UI's OAuth2 flows return."""
        return redirect

    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")
