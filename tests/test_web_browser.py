"""The online edition in a real browser: Chromium (Debian) through Selenium and
chromium-driver, axe-core (npm) in every kind of page in Latin, Greek and Cyrillic script,
a keyboard-only walk, 320 px reflow, 200 % text, reduced motion, the quiz with and without
its script, and printing (a guide with its addresses, the poster on one A4 page whose QR
code opens the site). Screenshots go to artifacts/web/."""
from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT
from kiosk.web import addresses
from kiosk.web.site import SiteOptions, export_site
from kiosk.web.texts import words

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("web-browser")]

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

BASE = "https://kiosk.example.org/eu"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "artifacts" / "web"
SCRIPTS = {"en": "Latin", "el": "Greek", "bg": "Cyrillic"}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def page_kinds(lang: str) -> dict[str, str]:
    return {
        "chooser": addresses.language_chooser(),
        "home": addresses.home(lang),
        "countries": addresses.countries(lang),
        "country": addresses.country(lang, "BE"),
        "guide": addresses.guide(lang, "ep-voting"),
        "country-guide": addresses.guide(lang, "register-germany"),
        "about": addresses.about(lang),
        "quiz": addresses.quiz(lang),
        "links": addresses.links(lang),
        "poster": addresses.poster(lang),
        "staff": addresses.staff(),  # one page, in the desk's language (German here)
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("web-browser") / "site"
    export_site(CONTENT, out, SiteOptions(BASE, "DE", "Stadt Musterstadt"))
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def _driver(script: bool = True) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=1280,900"):
        options.add_argument(flag)
    if not script:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    driver = _driver()
    yield driver
    driver.quit()


def open_page(browser: webdriver.Chrome, server: str, address: str, width: int = 1280) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    browser.get(server + addresses.file_of(address))
    browser.execute_async_script("document.fonts.ready.then(arguments[arguments.length - 1])")


def axe_violations(browser: webdriver.Chrome) -> list[dict[str, object]]:
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(function (r) { done(r.violations.map(function (v) {"
        "  return {id: v.id, nodes: v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); })}; })); })"
        ".catch(function (e) { done([{id: 'axe failed', nodes: [String(e)]}]); });",
        WCAG_AA)
    return list(result)


def shoot(browser: webdriver.Chrome, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
    width = browser.execute_script("return window.innerWidth")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    path = SHOTS / f"{name}.png"
    browser.save_screenshot(str(path))
    return path


@pytest.mark.parametrize("lang", list(SCRIPTS))
def test_every_kind_of_page_has_no_wcag_a_or_aa_violation(browser: webdriver.Chrome, server: str,
                                                          lang: str) -> None:
    assert AXE.is_file(), "axe-core is missing: ./dev.sh test installs it (npm ci)"
    found = {}
    for kind, address in page_kinds(lang).items():
        open_page(browser, server, address)
        if kind == "quiz":  # the quiz after a choice: the answer open, the verdict shown
            browser.find_elements(By.CSS_SELECTOR, ".options button")[0].click()
        violations = axe_violations(browser)
        if violations:
            found[kind] = violations
        shoot(browser, f"{lang}-{kind}")
    assert found == {}, f"{SCRIPTS[lang]} pages"


def test_tab_reaches_every_link_and_button_in_order_with_visible_focus(browser: webdriver.Chrome,
                                                                       server: str) -> None:
    for address in (addresses.guide("el", "ep-voting"), addresses.quiz("bg"), addresses.home("en")):
        open_page(browser, server, address)
        expected = browser.execute_script(
            "return Array.from(document.querySelectorAll('a[href], button, summary')).filter(function (e) {"
            "  var hidden = e.tagName !== 'SUMMARY' && e.closest('details:not([open])');"
            "  return !hidden && (e.getClientRects().length > 0 || e.classList.contains('skip')); })")
        assert len(expected) > 10
        reached = []
        for index in range(len(expected)):
            ActionChains(browser).send_keys(Keys.TAB).perform()  # as a keyboard does, from the page's start
            element = browser.switch_to.active_element
            reached.append(element)
            # (measured once a smooth scroll to the focused element has come to rest)
            style = browser.execute_async_script(
                "var e = arguments[0], done = arguments[arguments.length - 1], last = null;"
                "function check() { var r = e.getBoundingClientRect();"
                "  if (last !== null && last === r.top) { var s = getComputedStyle(e);"
                "    done([s.outlineStyle, parseFloat(s.outlineWidth), r.top, r.bottom, innerHeight]); }"
                "  else { last = r.top; requestAnimationFrame(check); } }"
                "requestAnimationFrame(check);", element)
            outline, width, top, bottom, height = style
            assert outline != "none" and width >= 2, (address, index, element.get_attribute("outerHTML")[:120])
            assert bottom > 0 and top < height, f"focused element off screen: {address} #{index}"
        assert [e.id for e in reached] == [e.id for e in expected], address
        assert "skip" in (reached[0].get_attribute("class") or "")


def test_pages_reflow_at_320_px_and_at_200_percent_text_without_sideways_scrolling(
        browser: webdriver.Chrome, server: str) -> None:
    too_wide = []
    for lang in SCRIPTS:
        for kind, address in page_kinds(lang).items():
            if kind == "poster":
                continue  # a sheet of A4 to print, not a page to read on a phone
            for width, text in ((320, "100%"), (640, "200%")):
                open_page(browser, server, address, width)
                browser.execute_script("document.documentElement.style.fontSize = arguments[0]", text)
                extra = browser.execute_script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if extra > 0:
                    too_wide.append((address, width, text, extra))
            if lang == "el" and kind in ("guide", "quiz", "home"):
                open_page(browser, server, address, 320)
                shoot(browser, f"320px-{lang}-{kind}")
    assert too_wide == []


def test_targets_are_at_least_24_px_and_reduced_motion_turns_smooth_scrolling_off(
        browser: webdriver.Chrome, server: str) -> None:
    open_page(browser, server, addresses.home("de"), 320)
    small = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href]:not(.skip), button, summary'))"
        ".filter(function (e) { return !e.closest('p, li.card p, figcaption'); })"
        ".map(function (e) { var r = e.getBoundingClientRect(); return [e.textContent.trim(), r.width, r.height]; })"
        ".filter(function (s) { return s[1] < 24 || s[2] < 24; })")
    assert small == []
    behaviour = "return getComputedStyle(document.documentElement).scrollBehavior"
    assert browser.execute_script(behaviour) == "smooth"
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia",
                            {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
    try:
        browser.refresh()
        assert browser.execute_script(behaviour) == "auto"
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_the_quiz_answers_with_its_script_and_without_it(browser: webdriver.Chrome, server: str) -> None:
    w = words("el")
    open_page(browser, server, addresses.quiz("el"))
    question = browser.find_elements(By.CSS_SELECTOR, ".question")[0]
    answer = question.get_attribute("data-answer")
    buttons = question.find_elements(By.CSS_SELECTOR, ".options button")
    options = [b.find_element(By.XPATH, "..").get_attribute("data-option") for b in buttons]
    wrong = next(i for i, o in enumerate(options) if o != answer)
    buttons[wrong].click()
    assert question.find_element(By.CSS_SELECTOR, ".verdict").text == w["not_quite"]
    assert question.find_element(By.TAG_NAME, "details").get_attribute("open") is not None
    buttons[options.index(answer)].click()
    assert question.find_element(By.CSS_SELECTOR, ".verdict").text == w["correct"]
    assert buttons[options.index(answer)].get_attribute("aria-pressed") == "true"
    assert buttons[wrong].get_attribute("aria-pressed") == "false"

    plain = _driver(script=False)
    try:
        plain.get(server + addresses.file_of(addresses.quiz("el")))
        question = plain.find_elements(By.CSS_SELECTOR, ".question")[0]
        assert question.find_elements(By.CSS_SELECTOR, ".options button") == []
        details = question.find_element(By.TAG_NAME, "details")
        assert not details.find_element(By.CSS_SELECTOR, ".answer").is_displayed()
        details.find_element(By.TAG_NAME, "summary").click()
        assert details.find_element(By.CSS_SELECTOR, ".answer").is_displayed()
        assert w["right_answer"].split("{")[0].strip() in details.text
    finally:
        plain.quit()


def _print_pdf(browser: webdriver.Chrome, server: str, address: str, target: Path) -> Path:
    browser.get(server + addresses.file_of(address))
    browser.execute_async_script("document.fonts.ready.then(arguments[arguments.length - 1])")
    import base64

    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69,
                                                      "preferCSSPageSize": True, "printBackground": True})
    target.write_bytes(base64.b64decode(pdf["data"]))
    return target


def _pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def test_the_poster_prints_on_one_a4_page_and_its_code_opens_the_site_in_its_language(
        browser: webdriver.Chrome, server: str, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("de", "el", "bg"):
        pdf = _print_pdf(browser, server, addresses.poster(lang), SHOTS / f"poster-{lang}.pdf")
        assert _pdf_pages(pdf) == 1
        size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "(A4)" in next(line for line in size.splitlines() if line.startswith("Page size:")), size
        subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(SHOTS / f"poster-{lang}")],
                       check=True)
        decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(SHOTS / f"poster-{lang}.png")],
                                 capture_output=True, text=True)
        assert decoded.stdout.strip() == addresses.absolute(BASE, addresses.home(lang)), decoded.stderr
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert " ".join(words(lang)["poster_question"].split()) in " ".join(text.split())
        assert "Stadt Musterstadt" in text


def test_a_guide_prints_with_its_sources_and_link_addresses_in_full_and_no_navigation(
        browser: webdriver.Chrome, server: str, tmp_path: Path) -> None:
    from contentlib.cache import ensure_cache
    from contentlib.store import ContentStore
    from kiosk.core.viewmodels import guide_view

    store = ContentStore(ensure_cache(tmp_path / "cache", CONTENT))
    view = guide_view(store, "register-germany", "de")
    pdf = _print_pdf(browser, server, addresses.guide("de", "register-germany"), tmp_path / "guide.pdf")
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    for source in view.sources:
        assert "".join(source.url.split()) in flat, source.url
    for url in view.link_targets:
        assert "".join(url.split()) in flat, url
    w = words("de")
    assert w["menu"] not in text and w["other_languages"] not in text and w["skip"] not in text
    assert w["sources"] in text
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(SHOTS / "print-de-register-germany")], check=True)


def test_the_site_works_from_file_and_asks_nothing_of_any_server(browser: webdriver.Chrome, site: Path) -> None:
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.get(site.as_uri() + "/index.html")
    browser.find_element(By.CSS_SELECTOR, 'a[hreflang="el"]').click()
    card = browser.find_element(By.CSS_SELECTOR, '.card > a[href*="guides/ep-voting/"]')  # has a picture
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", card)
    card.click()
    assert browser.current_url == site.as_uri() + "/el/guides/ep-voting/index.html"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "el"
    browser.execute_async_script("document.fonts.ready.then(arguments[arguments.length - 1])")
    # (Chromium keeps no resource timing for file:// pages: the addresses it resolved instead)
    loaded = browser.execute_script(
        "return Array.from(document.querySelectorAll("
        "'link[rel=stylesheet], link[rel=preload], link[rel=icon], script[src], img'))"
        ".map(function (e) { return e.currentSrc || e.src || e.href; })")
    assert len(loaded) >= 3, loaded  # style sheet, font, picture
    assert all(name.startswith(site.as_uri() + "/") or name == "data:," for name in loaded), loaded
    pictures = browser.execute_script(
        "return Array.from(document.images).map(function (i) { return i.complete && i.naturalWidth > 0; })")
    assert pictures and all(pictures)
    styled = browser.execute_script(
        "return [getComputedStyle(document.querySelector('.top')).backgroundColor,"
        " document.fonts.check('16px Roboto')]")
    assert styled == ["rgb(46, 49, 99)", True]
