"""The dashboard in Debian's Chromium, driven by Playwright, against the real app served by
uvicorn on loopback over the in-process chain with the demo's exhibition (ledger/dev/demo.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account.signers.local import LocalAccount
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from ledger.dev.demo import DemoCast, DemoSummary
from tests.demo_park import DemoPark, DemoServer
from tests.e2e.wallet import install_wallet

CHROMIUM = Path("/usr/bin/chromium")
# NOTE: Playwright's launch() gives every browser a fresh temporary --user-data-dir itself.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class Park:
    """The served dashboard: its URL, the demo on chain and who plays which part."""

    url: str
    summary: DemoSummary
    cast: DemoCast
    auditor: LocalAccount

    @property
    def agreement_id(self) -> str:
        """The demo agreement's id as the API spells it."""
        return "0x" + self.summary.agreement_id.hex()

    def api(self, path: str, token: str | None = None, **params: Any) -> Any:
        """The API's JSON for `path`, read the way the dashboard reads it."""
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        response = httpx.get(f"{self.url}{path}", params=params, headers=headers, timeout=30)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, token: str, body: dict[str, Any]) -> Any:
        """The API's JSON answer to a signed-in POST of `body` to `path`."""
        headers = {"Authorization": f"Bearer {token}"}
        response = httpx.post(f"{self.url}{path}", json=body, headers=headers, timeout=60)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="module")
def park(demo_park: DemoPark, demo_server: DemoServer) -> Park:
    """The demo exhibition on the session chain, indexed and served until the module ends."""
    return Park(
        url=demo_server.url,
        summary=demo_park.summary,
        cast=demo_park.cast,
        auditor=demo_park.auditor,
    )


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver (it never downloads a browser: Debian's Chromium is used)."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's headless Chromium."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install_browser.sh (make test does)")
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


def _context(browser: Browser, locale: str) -> BrowserContext:
    context = browser.new_context(locale=locale, viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh English-locale tab without a wallet (the public, read-only view)."""
    context = _context(browser, "en-US")
    yield context.new_page()
    context.close()


@pytest.fixture
def wallet_page(browser: Browser, park: Park) -> Iterator[Page]:
    """A fresh tab whose window.ethereum signs as the demo's studio (a party)."""
    context = _context(browser, "en-US")
    install_wallet(context, park.cast.studio)
    yield context.new_page()
    context.close()


@pytest.fixture
def auditor_page(browser: Browser, park: Park) -> Iterator[Page]:
    """A fresh tab whose window.ethereum signs as an account holding AUDITOR_ROLE."""
    context = _context(browser, "en-US")
    install_wallet(context, park.auditor)
    yield context.new_page()
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as build/screenshots/<name>.png (the test's artifact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
