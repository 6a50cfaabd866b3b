"""Serves the dashboard's static front end from the API app, outside the OpenAPI schema."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"
PREFIX = "/dashboard"

router = APIRouter(include_in_schema=False)


@router.get("/")
def home() -> RedirectResponse:
    """The site root opens the dashboard."""
    return RedirectResponse(f"{PREFIX}/")


def mount(app: FastAPI) -> None:
    """Add the root redirect and the static pages (index.html, modules, styles) to `app`."""
    app.include_router(router)
    app.mount(PREFIX, StaticFiles(directory=STATIC_DIR, html=True), name="dashboard")
