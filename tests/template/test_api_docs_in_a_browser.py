"""Swagger UI and ReDoc of a served project, in a real headless Chromium that reaches nothing else.

The project with a domain of every field type (made by the real ``gospel add-domain``) is served
by uvicorn; the browser's every request to anything but that server is aborted and recorded. A
person's path through Swagger UI is then taken by clicking: sign up, Authorize (with a wrong
password first), create a customer, list the customers.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``.ci/run``), driven by Playwright:
Playwright's own browser download does not work here. Without it the tests skip, or fail under
``$CI``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from served_app import API, ServedApp, build_fuzz_project, serve

if TYPE_CHECKING:
    from conftest import SharedCache
    from generated_env import GeneratedVenv
    from playwright.sync_api import Browser, Locator, Page

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# ReDoc shows Redocly's logo from their CDN; the CSP refuses it and ReDoc drops the image.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
RESPONSE = ".live-responses-table tbody"  # the response Swagger UI got


@dataclass
class Tab:
    """A browser page on the served app, with what it tried beyond the app and what it logged."""

    page: Page
    app: ServedApp
    elsewhere: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def operation(self, method: str, path: str) -> Locator:
        """Swagger UI's block of one operation, found by the ids it derives from the document."""
        document = httpx.get(f"{self.app.url}{API}/openapi.json").json()
        operation = document["paths"][f"{API}{path}"][method]
        return self.page.locator(
            f'[id="operations-{operation["tags"][0]}-{operation["operationId"]}"]'
        )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, started by Playwright."""
    if not CHROMIUM.exists():
        reason = f"no {CHROMIUM}: install Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def app(
    shared_cache: SharedCache,
    render_project: Callable[..., Path],
    generated_venv: GeneratedVenv,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServedApp]:
    """The fuzz project served on a fresh SQLite database for this module."""
    project = build_fuzz_project(shared_cache, render_project)
    workdir = tmp_path_factory.mktemp("browser")
    with serve(
        generated_venv, project, f"sqlite+aiosqlite:///{workdir / 'app.db'}", workdir
    ) as app:
        yield app
        assert app.errors() == [], app.server_log()[-8000:]


@pytest.fixture
def tab(browser: Browser, app: ServedApp) -> Iterator[Tab]:
    """A fresh browser context whose only reachable server is the app."""
    context = browser.new_context()
    context.set_default_timeout(15_000)
    tab = Tab(context.new_page(), app)

    def only_the_app(route: Any) -> None:
        if route.request.url.startswith(f"{app.url}/"):
            route.continue_()
        else:
            tab.elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_app)
    tab.page.on(
        "console", lambda m: tab.console_errors.append(m.text) if m.type == "error" else None
    )
    tab.page.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    yield tab
    context.close()


def _keep_errors(errors: list[str], message: Any) -> None:
    if message.type == "error":
        errors.append(message.text)


def test_swagger_ui_and_redoc_render_with_no_network_but_the_app(tab: Tab) -> None:
    from playwright.sync_api import expect

    tab.page.goto(f"{tab.app.url}/docs")
    # A tag of add-domain's is described by its router's docstring, with no edit by add-domain.
    customers = tab.page.locator('[id="operations-tag-Customers"]')
    expect(customers).to_contain_text("The customers endpoints")
    expect(tab.operation("post", "/customers/")).to_be_visible()
    expect(tab.page.locator(".info .description")).to_contain_text("A FastAPI backend.")

    tab.page.goto(f"{tab.app.url}/redoc")
    expect(tab.page.get_by_role("heading", name="Fuzzed (0.1.0)")).to_be_visible()
    expect(tab.page.get_by_role("menuitem", name="Customers")).to_be_visible()
    expect(tab.page.get_by_text("The customers endpoints")).to_be_visible()

    assert tab.elsewhere == []
    assert [e for e in tab.console_errors if REDOC_LOGO not in e] == [], tab.console_errors


def test_register_authorize_create_and_list_in_swagger_ui(tab: Tab) -> None:
    from playwright.sync_api import expect

    email, password = "swagger@example.com", "swagger-password-1"
    tab.page.goto(f"{tab.app.url}/docs")
    _execute(tab, "post", "/auth/register", {"email": email, "password": password}, "201")

    tab.page.get_by_role("button", name="Authorize").first.click()
    dialog = tab.page.locator(".dialog-ux")
    expect(dialog).to_contain_text("the username is your email address")
    # Username and password only: no client id or secret, which the app does not use.
    expect(dialog.locator("input:visible, select:visible")).to_have_count(2)
    dialog.locator("#oauth_username").fill(email)
    dialog.locator("#oauth_password").fill("a-wrong-password")
    dialog.get_by_role("button", name="Apply given OAuth2 credentials").click()
    # The server's own words, from RFC 6749's error_description.
    expect(dialog.locator(".errors")).to_contain_text("Incorrect email or password")

    dialog.locator("#oauth_password").fill(password)
    dialog.get_by_role("button", name="Apply given OAuth2 credentials").click()
    expect(dialog.get_by_role("button", name="Remove authorization")).to_be_visible()
    dialog.get_by_role("button", name="Close").click()

    customer = {"name": "Ann", "email": "ann@example.com", "tier": "gold"}
    _execute(tab, "post", "/customers/", customer, "201")
    listing = _execute(tab, "get", "/customers/", None, "200")
    expect(listing.locator(f"{RESPONSE} .response-col_description")).to_contain_text(
        "ann@example.com"
    )
    assert tab.elsewhere == []


def _execute(tab: Tab, method: str, path: str, body: object, status: str) -> Locator:
    """Open an operation, try it out with ``body``, and wait for ``status``."""
    from playwright.sync_api import expect

    operation = tab.operation(method, path)
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    if body is not None:
        operation.locator("textarea.body-param__text").fill(json.dumps(body))
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(f"{RESPONSE} .response-col_status")).to_have_text(status)
    return operation
