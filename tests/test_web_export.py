"""The online edition as files: every page in every language, addresses, translations,
sitemap, nothing loaded from elsewhere, outside text never markup, publishing (no browser;
tests/test_web_browser.py opens the pages in Chromium)."""
from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from conftest import CONTENT, CONTENT_VERSION, GUIDE_COUNTRIES, GUIDE_IDS, bundled_content
from contentlib.store import ContentStore
from kiosk.content_cli import main as content_cli
from kiosk.core.quiz import questions_for_country
from kiosk.web import addresses
from kiosk.web.publish import SITE_MARKER
from kiosk.web.render import link_target
from kiosk.web.site import ExportError, SiteOptions, export_site
from kiosk.web.texts import words

BASE = "https://kiosk.example.org/eu"
MUNICIPALITY = "Stadt <b>Muster</b> & [b]Co[/b]"


# One test process runs this file: the export of the whole content that most tests read
# (about 8 s) is then made once, not once in each process.
pytestmark = pytest.mark.xdist_group("web-export")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("web") / "site"
    export_site(CONTENT, out, SiteOptions(BASE, "DE", MUNICIPALITY))
    return out


@pytest.fixture
def store(bundled_store: ContentStore) -> ContentStore:
    return bundled_store


class Page(HTMLParser):
    """What the tests look at in one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.lang = ""
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.h1 = 0
        self.text_parts: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        if tag == "html":
            self.lang = values.get("lang", "")
        if tag == "h1":
            self.h1 += 1

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    def all(self, tag: str, **match: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in match.items())]

    @property
    def text(self) -> str:
        return "".join(self.text_parts)


def read(site: Path, address: str) -> Page:
    return Page((site / addresses.file_of(address)).read_text(encoding="utf-8"))


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_of_the_kiosk_is_there_in_every_language(site: Path, store: ContentStore) -> None:
    langs = store.languages()
    assert len(langs) == 10
    expected = [addresses.language_chooser()]
    for lang in langs:
        expected += [addresses.home(lang), addresses.countries(lang), addresses.quiz(lang),
                     addresses.links(lang), addresses.about(lang), addresses.poster(lang)]
        expected += [addresses.guide(lang, gid) for gid in GUIDE_IDS]
        expected += [addresses.country(lang, c) for c in set(GUIDE_COUNTRIES.values()) if c]
    expected.append(addresses.staff())  # one, in the desk's language of the country
    missing = [a for a in expected if not (site / addresses.file_of(a)).is_file()]
    assert missing == []
    assert len(html_files(site)) == len(expected)
    assert site.stat().st_mode & 0o777 == 0o755, "a web server's user can read the site"


def test_each_page_declares_its_language_has_one_h1_a_skip_link_and_its_translations(site: Path) -> None:
    for path in html_files(site):
        rel = path.relative_to(site).as_posix()
        page = Page(path.read_text(encoding="utf-8"))
        folder_lang = rel.split("/")[0]
        if rel.startswith("print/"):
            folder_lang = rel.removeprefix("print/poster-").removesuffix(".html")
        elif rel == "index.html":
            folder_lang = "en"
        elif rel == addresses.file_of(addresses.staff()):
            folder_lang = "de"  # the staff page of a German town hall's site
        assert page.lang == folder_lang, rel
        assert page.h1 == 1, rel
        assert len(page.all("main")) == 1, rel
        if rel.startswith("print/"):
            continue
        first_link = page.all("a")[0]
        assert first_link["href"] == "#main" and page.all("main")[0]["id"] == "main", rel
        if rel in ("index.html", addresses.file_of(addresses.staff())):
            continue  # one page, no translations
        address = rel.removesuffix(addresses.INDEX)
        canonical = page.all("link", rel="canonical")
        assert [c["href"] for c in canonical] == [addresses.absolute(BASE, address)], rel
        alternates = {a["hreflang"]: a["href"] for a in page.all("link", rel="alternate")}
        assert len(alternates) == 10, rel
        for code, href in alternates.items():
            other = address.replace(f"{folder_lang}/", f"{code}/", 1)
            assert href == addresses.absolute(BASE, other), rel
            assert (site / addresses.file_of(other)).is_file(), href


def test_nothing_is_loaded_from_elsewhere_and_every_link_inside_the_site_exists(site: Path) -> None:
    for path in html_files(site):
        page = Page(path.read_text(encoding="utf-8"))
        for tag, attrs in page.tags:
            loads = attrs.get("src") or (attrs.get("href") if tag == "link" and attrs.get("rel") == "stylesheet" else "")
            if loads:
                assert "://" not in loads and not loads.startswith("//"), (path, loads)
                assert (path.parent / loads).resolve().is_file(), (path, loads)
            href = attrs.get("href", "")
            if tag == "a" and href and not href.startswith(("#", "https://", "http://", "mailto:", "tel:")):
                assert (path.parent / href).resolve().is_file(), (path, href)
    css = (site / "assets" / "site.css").read_text(encoding="utf-8")
    for url in re.findall(r"url\(([^)]+)\)", css):
        assert "://" not in url and (site / "assets" / url).is_file(), url
    assert "@import" not in css


def test_sitemap_lists_every_page_address_with_its_translations(site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ElementTree.parse(site / "sitemap.xml").getroot()
    locs = [u.find("s:loc", ns).text for u in root.findall("s:url", ns)]
    pages = [p for p in html_files(site) if not p.relative_to(site).as_posix().startswith("print/")]
    assert len(locs) == len(pages) == len(set(locs))
    for loc in locs:
        assert loc.startswith(BASE + "/")
        address = loc.removeprefix(BASE + "/")
        assert (site / addresses.file_of(address)).is_file(), loc
    guide = next(u for u in root.findall("s:url", ns) if u.find("s:loc", ns).text.endswith("/el/guides/ep-voting/"))
    assert len(guide.findall("x:link", ns)) == 10
    assert (site / "robots.txt").read_text().strip().endswith(f"Sitemap: {BASE}/sitemap.xml")


def test_a_guide_page_shows_the_kiosks_text_links_and_sources(site: Path, store: ContentStore) -> None:
    from kiosk.core.viewmodels import guide_view

    for lang in ("el", "bg", "pl"):
        view = guide_view(store, "ep-voting", lang)
        page = read(site, addresses.guide(lang, "ep-voting"))
        text = " ".join(page.text.split())
        assert view.title in text and " ".join(view.summary.split()) in text
        for block in view.blocks:
            if block.kind != "image":
                assert " ".join(block.plain_text().split()) in text, block
        hrefs = {a["href"] for a in page.all("a")}
        assert set(view.link_targets) <= hrefs
        assert {s.url for s in view.sources} <= hrefs
        assert len(page.all("svg", role="img")) == len(view.link_targets)
        for block in view.blocks:
            if block.kind == "image":
                image = page.all("img")[0]
                assert image["alt"] == block.alt


@pytest.mark.slow  # an export of its own (8-10 s)
def test_a_guide_not_yet_translated_is_marked_and_its_text_declares_its_own_language(
        content_copy: Path, tmp_path: Path) -> None:
    (content_copy / "pl" / "guides" / "ep-voting.md").unlink()
    out = tmp_path / "site"
    export_site(content_copy, out, SiteOptions())
    page = read(out, addresses.guide("pl", "ep-voting"))
    assert page.lang == "pl"
    assert page.all("article", lang="en"), "the English text on a Polish page is marked as English"
    assert words("pl")["fallback"] in page.text


def test_the_quiz_has_every_question_of_the_host_country_with_its_answer_without_a_script(
        site: Path, store: ContentStore) -> None:
    from kiosk.core.viewmodels import question_view

    questions = questions_for_country(store.question_defs(), store.guide_defs(), "DE")
    assert any(store.guide_def(q.guide).country == "DE" for q in questions)
    page = read(site, addresses.quiz("ro"))
    details = page.all("details")
    assert len(details) == len(questions)
    text = page.text
    for question in questions:
        view = question_view(store, question, "ro")
        answer = dict(view.options)[question.answer]
        assert words("ro")["right_answer"].format(answer=answer) in text
        assert view.explanation in text
    assert [s["data-answer"] for s in page.all("li") if "data-answer" in s] == [q.answer for q in questions]


def test_outside_text_is_never_markup(site: Path) -> None:
    poster = (site / addresses.file_of(addresses.poster("de"))).read_text(encoding="utf-8")
    assert "Stadt &lt;b&gt;Muster&lt;/b&gt; &amp; [b]Co[/b]" in poster
    assert "<b>" not in poster
    for href in ("javascript:alert(1)", "data:text/html,x", "JAVASCRIPT:x", "", None):
        assert link_target(href) is None
    assert link_target("https://europa.eu/x") == "https://europa.eu/x"


@pytest.mark.slow  # an export of its own
@pytest.mark.content_languages()
def test_markup_in_a_content_text_is_shown_as_text(content_copy: Path, tmp_path: Path) -> None:
    quiz = content_copy / "en" / "quiz.yaml"
    text = quiz.read_text(encoding="utf-8")
    first_question = re.search(r"^  question: (.+)$", text, re.M)
    assert first_question is not None
    hostile = "Is <script>alert(1)</script> & <img src=x onerror=alert(2)> a question?"
    quiz.write_text(text.replace(first_question.group(0), f'  question: "{hostile}"', 1), encoding="utf-8")
    out = tmp_path / "site"
    export_site(content_copy, out, SiteOptions())
    html = (out / addresses.file_of(addresses.quiz("en"))).read_text(encoding="utf-8")
    assert "Is &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt; a question?" in html
    assert "<script>" not in html and "<img" not in html


@pytest.mark.slow  # an export of its own
@pytest.mark.content_languages()
def test_broken_content_is_an_error_naming_file_and_line_and_keeps_the_last_site(
        content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    export_site(content_copy, out, SiteOptions())
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    structure = content_copy / "structure.yaml"
    structure.write_text(structure.read_text(encoding="utf-8").replace("guides:\n", "guides:\n  - [\n", 1),
                         encoding="utf-8")
    with pytest.raises(ExportError, match=r"structure\.yaml:\d+"):
        export_site(content_copy, out, SiteOptions())
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"], "no half-written site left"


def test_the_css_colours_named_as_text_pairs_reach_7_to_1(site: Path) -> None:
    css = (site / "assets" / "site.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def ratio(a: str, b: str) -> float:
        high, low = sorted((luminance(colours[a]), luminance(colours[b])), reverse=True)
        return (high + 0.05) / (low + 0.05)

    pairs = [("text", "page"), ("text", "card"), ("muted", "page"), ("muted", "card"), ("link", "page"),
             ("link", "card"), ("bar-text", "bar"), ("right", "page"), ("wrong", "page")]
    for fg, bg in pairs:
        assert ratio(fg, bg) >= 7.0, (fg, bg, round(ratio(fg, bg), 2))


@pytest.mark.slow  # an export of its own (8-10 s)
def test_without_a_base_address_the_site_still_works_and_says_what_it_left_out(tmp_path: Path) -> None:
    out = tmp_path / "site"
    report = export_site(CONTENT, out, SiteOptions())
    assert not (out / "sitemap.xml").exists() and not (out / "print").exists()
    assert any("--base-url" in note for note in report.notes)
    # no country: no desk language, so no staff page
    assert not (out / "staff").exists() and any("--country" in n for n in report.notes)
    page = read(out, addresses.guide("en", "ep-voting"))
    assert page.all("link", rel="canonical") == []
    alternates = {a["hreflang"]: a["href"] for a in page.all("link", rel="alternate")}
    assert alternates["de"] == "../../../de/guides/ep-voting/index.html"


def test_export_web_command_reports_and_refuses_a_bad_base_address(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        content_cli(["export-web", str(CONTENT), "--out", str(tmp_path / "s"), "--base-url", "kiosk.example.org"])
    assert exit_info.value.code == 2
    assert "--base-url must start with https://" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        content_cli(["export-web", str(CONTENT), "--out", str(tmp_path / "s"), "--country", "UK"])
    assert not (tmp_path / "s").exists()


def test_publish_mirrors_a_site_deleting_pages_it_no_longer_has(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    dest = tmp_path / "www"
    assert content_cli(["publish", str(copy), str(dest)]) == 0
    assert (dest / SITE_MARKER).is_file()
    assert (dest / addresses.file_of(addresses.guide("el", "ep-voting"))).is_file()
    shutil.rmtree(copy / "el")
    (copy / "en" / "index.html").write_text("changed", encoding="utf-8")
    assert content_cli(["publish", str(copy), str(dest)]) == 0
    assert not (dest / "el").exists()
    assert (dest / "en" / "index.html").read_text(encoding="utf-8") == "changed"
    result = subprocess.run(["diff", "-r", str(copy), str(dest)], capture_output=True)
    assert result.returncode == 0, result.stdout[-500:]


def test_the_addresses_are_readable_folders(site: Path) -> None:
    assert addresses.guide("el", "ep-voting") == "el/guides/ep-voting/"
    assert addresses.relative(addresses.guide("el", "x"), addresses.quiz("el")) == "../../../el/quiz/index.html"
    assert urlsplit(addresses.absolute(BASE + "/", addresses.about("bg"))).path == "/eu/bg/about/"


def test_every_address_the_kiosk_encodes_for_a_phone_is_a_page_of_the_export(
        site: Path, store: ContentStore) -> None:
    from contentlib.model import ABOUT_ID
    from kiosk.config import KioskSettings
    from kiosk.core.phone_links import guide_page_url, quiz_page_url

    encoded = []
    for lang in KioskSettings().languages:
        encoded.append(quiz_page_url(BASE, lang))
        encoded += [guide_page_url(BASE, lang, guide.id) for guide in store.guide_defs()]
        encoded.append(guide_page_url(BASE, lang, ABOUT_ID))
    assert len(encoded) == 10 * (len(GUIDE_IDS) + 2)
    for url in encoded:
        assert url.startswith(BASE + "/") and url.endswith("/"), url
        assert (site / addresses.file_of(url.removeprefix(BASE + "/"))).is_file(), url


def test_the_staff_page_is_in_the_desk_language_and_names_no_it_contact(site: Path) -> None:
    """What the kiosk is, for new front-desk staff, in the town hall's language (German for
    DE); a public page, so no IT contact and no idle time."""
    staff = bundled_content().translations["de"].desk.staff
    page = read(site, addresses.staff())
    assert page.lang == "de"
    for key in ("title", "offers", "card", "restart"):
        assert staff[key] in page.text, key
    assert CONTENT_VERSION in page.text
    for key in ("it_contact", "no_it_contact"):
        assert staff[key].split("{")[0].strip() not in page.text, key


@pytest.mark.slow  # two exports of its own
@pytest.mark.content_languages("fr")  # Belgium's desk languages: nl (none yet), fr, de
def test_a_staff_page_without_desk_texts_is_in_english_and_says_so(
        content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    export_site(content_copy, out, SiteOptions(country="BE"))  # Dutch first: no content in it
    page = read(out, addresses.staff())
    assert page.lang == "en"
    assert "This page is not yet written in Dutch, so it is in English." in page.text
    assert bundled_content().translations["en"].desk.staff["offers"] in page.text
    export_site(content_copy, out, SiteOptions(country="BE", desk_language="fr"))
    page = read(out, addresses.staff())
    assert page.lang == "fr" and bundled_content().translations["fr"].desk.staff["title"] in page.text
