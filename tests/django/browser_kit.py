"""What the browser tests share: chromium, signing in, submitting forms, console errors and axe.

Playwright drives Debian's chromium (/usr/bin/chromium; `make system-deps` installs it) against
pytest-django's live server. Set up the database before :func:`browser_page` starts: once
Playwright's event loop runs in the test's thread, Django refuses synchronous ORM calls unless
DJANGO_ALLOW_ASYNC_UNSAFE is set (which :func:`browser_page` does, for the live server's reads).

The accessibility check is axe-core, bundled in axe-playwright-python (no download at run time):
:func:`serious_violations` lists what axe rates "serious" or "critical" on the current page,
so a test asserts ``serious_violations(page) == []`` after every page it visits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000
SERIOUS = ("serious", "critical")


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (make system-deps installs Debian's chromium)")


@dataclass
class Session:
    """One browser page and what it logged."""

    page: Any
    console_errors: list[str] = field(default_factory=list)


@contextmanager
def browser_page(monkeypatch: pytest.MonkeyPatch, *, width: int = 1280, height: int = 900) -> Iterator[Session]:
    """A chromium page (skips when chromium is absent); console errors and uncaught exceptions
    are collected on the session."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(TIMEOUT_MS)
            session = Session(page)
            page.on("console", lambda m: session.console_errors.append(f"{m.text} ({m.location.get('url')})")
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: session.console_errors.append(f"uncaught: {e}"))
            yield session
        finally:
            browser.close()


def submit(page: Any, button: str = "Save") -> str:
    """Press the form's button and wait for the next page; the error summary's text, if any."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    status = navigation.value.status if navigation.value else 0
    assert status < 500, f"{page.url} answered {status}: {page.locator('body').inner_text()[:300]}"
    summary = page.locator(".govuk-error-summary")
    return summary.inner_text() if summary.count() else ""


def saved(page: Any, button: str = "Save") -> str:
    """Submit a form that must be accepted and land on a case page; the success banner's text."""
    problem = submit(page, button)
    assert not problem, f"{page.url}: the form was refused: {problem}"
    assert re.search(r"/cases/\d+/$", page.url), page.url
    return page.locator(".govuk-notification-banner--success").inner_text()


def sign_in(page: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    problem = submit(page, "Sign in")
    assert not problem, f"{username} could not sign in: {problem}"
    assert page.url == f"{base_url}/", page.url


def sign_out(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Sign out")).click()
    assert "/login/" in page.url, page.url


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the current page: the rule, what it asks
    and the first few elements (CSS selectors) that break it, with the page's address."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    assert results["passes"], f"axe checked nothing on {page.url}"
    return [{"page": page.url, "id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"][:3]]}
            for v in results["violations"] if v["impact"] in SERIOUS]


def reflow_width(page: Any) -> int:
    """How wide the page's content is (WCAG 1.4.10 asks for no sideways scroll at 320 px)."""
    return page.evaluate("document.documentElement.scrollWidth")


WIDER_THAN_THE_PAGE = """() => {
  const limit = document.documentElement.clientWidth, out = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.right > limit + 1 && !Array.from(e.children).some(c => c.getBoundingClientRect().right > limit + 1)) {
      // an absolutely placed element escapes a scrolling box that is not its containing block
      let box = getComputedStyle(e).position === 'absolute' ? e.offsetParent : e.parentElement, scrolls = false;
      while (box) { if (getComputedStyle(box).overflowX === 'auto' && box.clientWidth <= limit) { scrolls = true; break; } box = box.parentElement; }
      if (!scrolls) out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')} (right edge ${Math.round(r.right)})`);
    }
  }
  return out.slice(0, 10);
}"""


def wider_than_the_page(page: Any) -> list[str]:
    """The innermost elements that stick out past the viewport's right edge (not counting those
    inside a box that scrolls on its own, like a data table): what to fix when reflow fails."""
    return page.evaluate(WIDER_THAN_THE_PAGE)
