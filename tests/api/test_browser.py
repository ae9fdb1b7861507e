"""The page in a real headless Chromium (Debian's, driven by Playwright through its executable path): type
"nghi quyet 57" without diacritics, pick the suggestion by keyboard, open the resolution's page, follow its chain
to a task, open the task's source and see the sentence highlighted. Screenshots go to test-output/."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.api.checks import NQ57

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
CHROMIUM = os.environ.get("PLANGRAPH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("no chromium binary on this machine (apt-get install chromium, or set PLANGRAPH_CHROMIUM)")
    SHOTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, errors


def test_search_suggestion_chain_task_and_highlighted_source(page, live_url):
    expect = sync_api.expect
    page.goto(live_url + "/")
    box = page.get_by_role("combobox")
    box.press_sequentially("nghi quyet 57", delay=20)
    option = page.get_by_role("option").filter(has_text="Nghị quyết 57-NQ/TW").first
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    page.screenshot(path=SHOTS / "1-suggestions.png")

    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(NQ57) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nghị quyết 57-NQ/TW")
    expect(page.locator("svg.graph a.node").first).to_be_visible()
    page.screenshot(path=SHOTS / "2-legal-page.png", full_page=True)

    task_link = page.locator("li.citer").filter(has=page.locator(".badge-task")).locator("a[href^='/tasks/']").first
    task_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nhiệm vụ")
    task_text = page.locator(".task-card").first.locator("p").first.inner_text()
    page.screenshot(path=SHOTS / "3-task-page.png", full_page=True)

    page.get_by_role("link", name="Xem câu gốc trong văn bản").first.click()
    mark = page.locator("mark#provenance")
    expect(mark).to_be_visible()
    expect(mark).to_be_in_viewport()
    assert " ".join(task_text.split()[:3]) in " ".join(page.locator("mark").all_inner_texts())
    page.screenshot(path=SHOTS / "4-source-highlighted.png")


def test_results_page_on_a_phone_has_highlights_and_reasons(browser, live_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    phone.goto(live_url + "/?q=chuyen%20doi%20so")
    first = phone.locator("li.hit").first
    sync_api.expect(first.locator("mark").first).to_be_visible()
    sync_api.expect(first.locator(".why")).to_contain_text("khớp từ khóa")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=SHOTS / "5-phone-results.png", full_page=False)
    context.close()
