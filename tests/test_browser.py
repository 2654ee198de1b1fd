"""The search page in a real browser: Debian's headless Chromium driven by Playwright.

The server is the real `newsarchive serve` (waitress) in a subprocess, on an index of
the bundled sample archive plus the hand-written mini corpus (with its hostile article).
Screenshots of the main states go to test-output/screenshots/.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import DATA, ROOT, SAMPLES, build_index, served_index

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "test-output" / "screenshots"
# Flags for a sandboxed CI machine with no network: no background services, no GPU.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


INDEX_FOLDER: list[Path] = []  # the served index, for tests that index more articles while it serves


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`newsarchive serve` on an index of the samples and the mini corpus."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    folder = tmp_path_factory.mktemp("browser-index")
    build_index(folder, SAMPLES, DATA / "mini.jsonl")
    INDEX_FOLDER.append(folder)
    with served_index(folder) as base:
        yield base


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    assert not dialogs, f"a script ran and opened a dialog: {dialogs}"
    context.close()


def count(page) -> int:
    text = page.locator("h1.count").inner_text()
    return int(re.sub(r"\D", "", text.split("r")[0]))


def test_search_filter_by_person_remove_chip_page_forward_open_article(server, page):
    page.goto(server + "/")
    page.fill("#q", "Russie")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=Russie"))
    total = count(page)
    assert total > 10
    page.screenshot(path=str(SHOTS / "01-results.png"), full_page=True)

    person = page.locator("#facet-person li a[aria-pressed]").first
    name = person.inner_text()
    person.click()
    page.wait_for_url(re.compile(r"person="))
    narrowed = count(page)
    assert narrowed < total
    chip = page.locator("ul.chips a.chip", has_text=name)
    assert chip.count() == 1
    for tags in page.locator("li.hit .tags").all():
        assert name in tags.inner_text()  # every hit is about that person
    page.screenshot(path=str(SHOTS / "02-person-filter.png"), full_page=True)

    chip.click()
    page.wait_for_url(lambda url: "person=" not in url)
    assert count(page) == total
    assert page.locator("ul.chips a.chip").count() == 0

    first_titles = page.locator("li.hit h2").all_inner_texts()
    page.locator("a[rel=next]").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator("nav.pager [aria-current=page]").inner_text() == "2"
    assert not set(first_titles) & set(page.locator("li.hit h2").all_inner_texts())
    page.screenshot(path=str(SHOTS / "03-page-2.png"), full_page=True)

    link = page.locator("li.hit h2 a").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator("article h1").inner_text() == title
    assert page.locator("article .text mark").count() > 0  # the query's words are marked
    page.screenshot(path=str(SHOTS / "04-article.png"), full_page=True)


def test_facet_filter_box_narrows_the_list_as_you_type(server, page):
    page.goto(server + "/")
    page.fill("#filter-person", "pout")
    visible = [t for t in page.locator("#facet-person li:not([hidden]) a[aria-pressed], details.show-more li:not([hidden]) a[aria-pressed]")
               .all_inner_texts() if t]
    assert visible and all("pout" in v.lower() for v in visible)
    page.screenshot(path=str(SHOTS / "05-facet-filter.png"), full_page=False)


def test_facets_work_from_the_keyboard(server, page):
    page.goto(server + "/?q=Russie")
    link = page.locator("#facet-country li a[aria-pressed]").first
    label = link.inner_text()
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"country="))
    assert page.locator("ul.chips a.chip", has_text=label).count() == 1


def test_page_works_with_javascript_off(server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server + "/")
    page.fill("#q", "coopération")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=coop"))
    assert count(page) > 0
    page.fill("#filter-person", "merk")
    page.press("#filter-person", "Enter")
    page.wait_for_url(re.compile(r"pf=merk"))
    assert page.locator("#facet-person li a[aria-pressed]").all_inner_texts() == ["Angela Merkel"]
    context.close()


def test_phone_width_stacks_the_page(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(server + "/?q=Russie")
    results = page.locator("section.results").bounding_box()
    facets = page.locator("aside.facets").bounding_box()
    assert facets["y"] > results["y"]  # the sidebar goes below the results
    assert results["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling
    page.screenshot(path=str(SHOTS / "06-phone.png"), full_page=False)
    context.close()


def test_hostile_article_runs_no_script(server, page):
    page.goto(server + "/?q=%22Titre+pi%C3%A9g%C3%A9%22")
    assert count(page) == 1
    assert "<script>" in page.locator("li.hit h2").inner_text()  # shown as text
    page.locator("li.hit h2 a").click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator("article img").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    page.screenshot(path=str(SHOTS / "07-hostile-article.png"), full_page=True)
    # the `page` fixture fails the test if any alert() ran


def test_english_interface_and_empty_state(server, page):
    page.goto(server + "/?q=cooperasion&lang=en")
    assert page.locator("h1.count").inner_text().startswith("0 results")
    suggestion = page.locator(".suggestion a")
    assert suggestion.inner_text() == "coopération"
    suggestion.click()
    page.wait_for_url(re.compile(r"q=coop%C3%A9ration"))
    assert count(page) > 0
    page.screenshot(path=str(SHOTS / "08-english.png"), full_page=False)


def test_quotations_tab_and_speaker_link(server, page):
    page.goto(server + "/?q=Russie")
    page.locator("nav.tabs a", has_text="Citations").click()
    page.wait_for_url(re.compile(r"within=quotes"))
    assert page.locator("li.hit blockquote").count() > 0
    speaker = page.locator("li.hit .speaker a").first
    name = speaker.inner_text()
    speaker.click()
    page.wait_for_url(re.compile(r"quote_by="))
    assert page.locator("ul.chips a.chip.quote", has_text=name).count() == 1
    for who in page.locator("li.hit .speaker").all_inner_texts():
        assert name in who
    page.screenshot(path=str(SHOTS / "09-quotes.png"), full_page=True)


def test_a_source_facet_an_organisation_tag_and_an_entity_page(server, page):
    page.goto(server + "/")
    total = count(page)
    source = page.locator("#facet-source li a[aria-pressed]").first
    label = source.inner_text()
    source.click()
    page.wait_for_url(re.compile(r"source="))
    assert count(page) < total
    assert page.locator("ul.chips a.chip").first.inner_text().startswith(label)
    assert page.locator("#facet-source a[aria-pressed=true]").inner_text() == label  # chosen, the other publications still offered
    page.screenshot(path=str(SHOTS / "09-source-facet.png"), full_page=True)

    page.goto(server + "/")
    tag = page.locator("li.hit a.tag.organisation").first
    name = tag.inner_text()
    tag.click()
    page.wait_for_url(re.compile(r"/organisations/"))
    assert page.locator("h1").inner_text() == name
    assert page.locator("table.months tbody tr").count() >= 1
    page.screenshot(path=str(SHOTS / "10-organisation-page.png"), full_page=True)

    page.goto(server + "/")
    page.locator("#facet-person a.entity-link").first.click()
    page.wait_for_url(re.compile(r"/persons/"))
    person = page.locator("h1").inner_text()
    page.locator("a.entity-search").click()
    page.wait_for_url(re.compile(r"person="))
    assert page.locator("ul.chips a.chip").first.inner_text().startswith(person)


def test_a_two_series_trend_is_drawn_and_an_export_downloads(server, page):
    page.goto(server + "/?q=Russie")
    page.locator("a.compare-link").click()
    page.wait_for_url(re.compile(r"/trends\?"))
    page.fill("input.new-series", "Trump")
    page.locator("form.trend-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"q=Trump"))
    assert page.locator("svg.trend-chart g.series").count() == 2
    assert page.locator("table.trend-table thead th").count() == 3
    page.screenshot(path=str(SHOTS / "11-trend.png"), full_page=True)
    page.locator("svg.trend-chart g.series a.point").first.click()
    page.wait_for_url(re.compile(r"from=\d{4}-\d{2}-\d{2}&to="))
    assert count(page) >= 0

    page.goto(server + "/?q=Russie")
    total = count(page)
    page.select_option("#export-format", "csv")
    with page.expect_download() as download:
        page.locator("form.export button").click()
    path = download.value.path()
    rows = Path(path).read_text("utf-8").splitlines()
    assert rows[0].startswith("id,date,title") and len(rows) >= total + 1


def test_save_a_search_see_what_is_new_run_a_batch_and_keep_an_article(server, page):
    import datetime as dt

    from newsarchive.index.article import Article
    from newsarchive.index.store.writer import ArchiveWriter

    page.goto(server + "/?q=Lavrov")
    page.fill("form.save-search input[name=name]", "Lavrov")
    page.locator("form.save-search button").click()
    page.wait_for_url(re.compile(r"/saved"))
    assert "0 nouveau" in page.locator("li[data-name=Lavrov] .new").inner_text()
    with ArchiveWriter(INDEX_FOLDER[0]) as writer:
        writer.add(Article(id="u" + "7" * 19, title="Lavrov à Genève", text="Sergueï Lavrov a rencontré son homologue à Genève.",
                           date=dt.date(2018, 5, 4), url="https://exemple.test/lavrov-geneve"))
    page.reload()
    assert page.locator("li[data-name=Lavrov] .new").inner_text().startswith("1 nouveau")
    page.screenshot(path=str(SHOTS / "12-saved.png"), full_page=True)
    page.locator("li[data-name=Lavrov] form button").first.click()  # marked as seen
    page.wait_for_url(re.compile(r"/saved"))
    assert page.locator("li[data-name=Lavrov] .new").inner_text().startswith("0 nouveau")

    page.goto(server + "/batch")
    page.fill("#batch-lines", "Lavrov\nTrudeau\nMerkel")
    page.locator("form.batch-form button[type=submit]").click()
    page.wait_for_selector("table.batch-results")
    assert page.locator("table.batch-results tbody tr").count() == 3
    page.screenshot(path=str(SHOTS / "13-batch.png"), full_page=True)

    page.goto(server + "/articles/" + "u" + "7" * 19)
    page.fill("form.collect input[name=name]", "Genève")
    page.fill("form.collect input[name=note]", "à relire")
    page.locator("form.collect button").click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert "Genève" in page.locator("p.kept").inner_text()
    page.goto(server + "/collections")
    page.locator("a.collection", has_text="Genève").click()
    page.wait_for_url(re.compile(r"collection="))
    assert count(page) == 1
