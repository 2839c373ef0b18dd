"""`make site`: the course website, opened in a real headless browser (Debian's chromium).

The site is built once for this file through the same code path as `make site`
(infowork.site.build), but for a subset to stay fast: the home page, module 01 with two of its
lessons (the one about «вовлечённость» has charts and a widget), its exercise page and the
data dictionary. Every page must load from a folder (file://) without console errors and
without a request outside the site; the home page and a lesson also from a web server.
Skips only when chromium is missing and not under CI (.ci/run installs it).
"""
import functools
import http.server
import os
import shutil
import threading
from urllib.parse import quote

import nbformat
import pytest

from infowork.openreport.build import find_chromium
from infowork.site import SiteError, build, execute, widgets

pytestmark = pytest.mark.slow

MODULE = "01_content_planning"
LESSONS = ["01_content_planning_what_works.ipynb", "01_content_planning_frequency.ipynb"]
ENGAGEMENT = "01_content_planning_what_works"

CHROMIUM = find_chromium()
if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must open the site in chromium, but it is missing (.ci/run installs it)")
    pytest.skip("Chromium is not installed: sudo apt install chromium", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    built = build(site=root / "site", build_dir=root / "build", only={MODULE: LESSONS})
    assert not built.widget_note, built.widget_note
    return built.site


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def open_page(browser, url: str, inside: str, wait_for: str | None = None):
    """Load ``url``; return the page, its console errors and requests outside ``inside``."""
    page = browser.new_page()
    errors, outside = [], []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: req.url.startswith(inside) or req.url.startswith("data:")
            or outside.append(req.url))
    page.goto(url, wait_until="load")
    if wait_for:
        page.wait_for_selector(wait_for, timeout=15_000)
    page.wait_for_timeout(300)
    return page, errors, outside


def test_site_has_the_pages_of_the_manifest(site):
    module = site / "modules" / MODULE
    for path in [site / "index.html", site / "data.html", site / "search.html",
                 module / "index.html", module / "exercise.html"]:
        assert path.is_file(), path
    for lesson in LESSONS:
        assert (module / lesson.replace(".ipynb", ".html")).is_file()
    downloads = list((site / "_downloads").rglob(f"{MODULE}.ipynb"))
    assert len(downloads) == 1, "the exercise is not downloadable"
    exercise = (module / "exercise.html").read_text(encoding="utf-8")
    assert "_downloads/" in exercise and MODULE in exercise and "infowork" in exercise
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'lang="ru"' in home and "Программы семинаров" in home
    assert "cdn.jsdelivr" not in home and "unpkg.com" not in home


def test_every_page_loads_offline_from_a_folder(site, browser):
    pages = sorted(p for p in site.rglob("*.html") if not p.parent.name == "_static")
    assert len(pages) >= 8
    inside = site.as_uri()
    for path in pages:
        page, errors, outside = open_page(browser, path.as_uri(), inside)
        page.close()
        name = path.relative_to(site)
        assert not errors, f"{name}: console errors {errors}"
        assert not outside, f"{name}: requests outside the site {outside}"


def test_lesson_shows_its_charts_and_a_live_widget(site, browser, server):
    for url, inside in [((site / "modules" / MODULE / f"{ENGAGEMENT}.html").as_uri(),
                         site.as_uri()),
                        (f"{server}/modules/{MODULE}/{ENGAGEMENT}.html", server)]:
        page, errors, outside = open_page(browser, url, inside, wait_for=".widget-dropdown, "
                                          ".widget-slider, .widget-radio, .widget-toggle-buttons")
        charts = page.locator("img[src$='.png']").count()
        widgets_drawn = page.locator(".jupyter-widgets").count()
        page.close()
        assert charts >= 2, f"{url}: {charts} charts"
        assert widgets_drawn >= 1
        assert not errors and not outside, (errors, outside)


def test_home_page_from_a_web_server(server, browser):
    page, errors, outside = open_page(browser, f"{server}/index.html", server)
    title = page.title()
    page.close()
    assert "Информационная работа профсоюза" in title
    assert not errors and not outside, (errors, outside)


def test_search_finds_an_inflected_russian_word(site, browser):
    url = (site / "search.html").as_uri() + "?q=" + quote("вовлечённости")
    page, errors, outside = open_page(browser, url, site.as_uri(),
                                      wait_for="#search-results ul.search li")
    links = [a.get_attribute("href") for a in page.locator("#search-results ul.search li a").all()]
    page.close()
    assert any(ENGAGEMENT in (link or "") for link in links), links
    assert not errors and not outside, (errors, outside)


def test_without_npm_the_site_says_widgets_are_static(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    js, note = widgets.install_embed(tmp_path / "empty-cache", tmp_path / "_static")
    assert js == {}
    assert "npm не найден" in note and "статичным текстом" in note


def test_a_failing_lesson_stops_the_build_with_its_name(tmp_path):
    lesson = tmp_path / "99_broken_lesson.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, lesson)
    with pytest.raises(execute.LessonFailed) as failed:
        execute.execute_all([(lesson, tmp_path / "tree" / lesson.name)], tmp_path / "cache",
                            "key", timeout=60)
    name, why = failed.value.args
    assert name == "99_broken_lesson.ipynb" and "ZeroDivisionError" in why
    assert not (tmp_path / "tree" / lesson.name).exists()


def test_build_names_the_failing_lesson_in_russian(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise execute.LessonFailed("01_content_planning_news.ipynb", "KeyError: 'likes'")

    monkeypatch.setattr(execute, "execute_all", fail)
    with pytest.raises(SiteError, match="Урок 01_content_planning_news.ipynb не выполнился"):
        build(site=tmp_path / "site", build_dir=tmp_path / "build",
              only={MODULE: ["01_content_planning_news.ipynb"]})
