"""Write the online edition: every page the kiosk shows, in every content language.

The pages come from the same cache and view models as the kiosk's screens
(:mod:`contentlib.store`, :mod:`kiosk.core.viewmodels`), so the texts, translations and
links are the kiosk's own. Templates (``templates/``, Jinja2 with autoescaping) hold all
markup; no content text is ever interpreted as HTML. Nothing on a page loads from
another site: fonts, style sheet, script, pictures and QR codes are files of the site.
"""
from __future__ import annotations

import importlib.util
import json
import multiprocessing
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from contentlib.cache import ensure_cache
from contentlib.countries import country_choices, country_name, desk_language
from contentlib.images import ImageRejected, check_image_header
from contentlib.model import ABOUT_ID, ContentError
from contentlib.store import ContentStore
from kiosk.core.desk import language_name, staff_page
from kiosk.core.languages import format_review_date, native_name
from kiosk.core.quiz import questions_for_country
from kiosk.core.viewmodels import (
    Topic,
    guide_countries,
    guide_view,
    home_topics,
    links_view,
    order_guides,
    question_view,
    topic,
)
from kiosk.web import addresses
from kiosk.web.publish import SITE_MARKER
from kiosk.web.render import environment, link_target, qr_svg
from kiosk.web.texts import words

HERE = Path(__file__).resolve().parent
WORKERS = 2
"""Processes that write the languages' pages (this machine has two cores)."""
FONT_FILES = ("Roboto-Regular.ttf", "Roboto-Bold.ttf", "Roboto-Italic.ttf")


class ExportError(RuntimeError):
    """The site could not be written (the message names what and where)."""


@dataclass(frozen=True)
class SiteOptions:
    base_url: str = ""
    """Where the site will be published; canonical addresses, the sitemap and the posters'
    QR codes need it."""
    country: str | None = None
    """The host country of the town hall publishing the site: its guides come first on
    each home page and its questions join the general ones in the quiz."""
    municipality: str = ""
    """Named on the posters and at the foot of every page."""
    desk_language: str = ""
    """The town hall's desk language (as ``[kiosk] desk_language``): the staff page's
    language; empty: the country's first official language."""


@dataclass
class ExportReport:
    pages: int = 0
    files: int = 0
    total_bytes: int = 0
    largest_page: tuple[str, int] = ("", 0)
    seconds: float = 0.0
    languages: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


class _Site:
    """One export: the store, the options, and the pages written so far."""

    def __init__(self, store: ContentStore, out: Path, options: SiteOptions) -> None:
        self.store = store
        self.out = out
        self.options = options
        self.env = environment()
        self.languages = tuple(store.languages())
        self.report = ExportReport(languages=self.languages)
        self.sitemap: list[tuple[str, list[tuple[str, str]]]] = []
        self._image_sizes: dict[str, tuple[int, int] | None] = {}
        self.names = {code: native_name(code) for code in self.languages}
        """Each language's name in itself (the footer's list of translations)."""

    # --- pages ---------------------------------------------------------------------------

    def write(self, address: str, template: str, lang: str, title: str,
              per_language: bool = True, **context: Any) -> None:
        """Render ``template`` into the file of ``address``; ``per_language`` pages link
        their translations (the same address pattern in every language)."""
        alternates: list[tuple[str, str]] = []
        if per_language:
            for code in self.languages:
                target = address.replace(f"{lang}/", f"{code}/", 1)
                alternates.append((code, self.href(address, target)))
        page = self.env.get_template(template).render(
            lang=lang,
            title=title,
            w=words(lang),
            address=address,
            root="../" * address.count("/"),
            link=lambda target: addresses.relative(address, target),
            canonical=self.absolute(address),
            alternates=alternates,
            names=self.names,
            source_lang=self.store.source_language,
            options=self.options,
            version=self.store.content_version,
            nav=self.nav(lang, address) if per_language else [],
            **context,
        )
        path = self.out / addresses.file_of(address)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = page.encode("utf-8")
        path.write_bytes(data)
        self.report.pages += 1
        if len(data) > self.report.largest_page[1]:
            self.report.largest_page = (addresses.file_of(address), len(data))
        if address.endswith("/") or address == "":
            self.sitemap.append((address, alternates))

    def href(self, from_address: str, to_address: str) -> str:
        """Absolute with a base address (what search engines want), else relative."""
        return self.absolute(to_address) or addresses.relative(from_address, to_address)

    def absolute(self, address: str) -> str:
        return addresses.absolute(self.options.base_url, address) if self.options.base_url else ""

    def image_size(self, media_path: str) -> tuple[int, int] | None:
        """Width and height of a picture (pages reserve its room before it loads); None
        for one the kiosk would not show (damaged, missing, over the limits)."""
        if media_path not in self._image_sizes:
            data = self.store.media(media_path)
            try:
                size = check_image_header(data, media_path) if data is not None else None
            except ImageRejected:
                size = None
            self._image_sizes[media_path] = size
        return self._image_sizes[media_path]

    def nav(self, lang: str, current: str) -> list[tuple[str, str, bool]]:
        w = words(lang)
        items = [
            (addresses.home(lang), w["home"]),
            (addresses.countries(lang), w["choose_country"]),
            (addresses.quiz(lang), w["quiz"]),
            (addresses.links(lang), w["links"]),
            (addresses.about(lang), w["about"]),
            (addresses.language_chooser(), w["language"]),
        ]
        return [(addresses.relative(current, target), label, target == current)
                for target, label in items]

    def language_chooser(self) -> None:
        lang = "en" if "en" in self.languages else self.languages[0]
        choices = [(code, self.names[code], addresses.relative("", addresses.home(code)))
                   for code in self.languages]
        self.write(addresses.language_chooser(), "chooser.html", lang, words(lang)["choose_language"],
                   per_language=False, choices=choices,
                   questions=[(code, words(code)["which_language"]) for code in self.languages])

    def home(self, lang: str) -> None:
        country = self.options.country
        topics = home_topics(self.store, lang, country or "")
        own = [t for t in topics if t.country]
        general = [t for t in topics if not t.country]
        here = addresses.home(lang)
        self.write(here, "home.html", lang, words(lang)["site"],
                   own=self.cards(lang, own, here), general=self.cards(lang, general, here),
                   country_name=country_name(country, lang) if country else "")

    def cards(self, lang: str, topics: list[Topic], here: str) -> list[dict[str, Any]]:
        """The guide cards of a list on the page at ``here``."""
        return [{"href": addresses.relative(here, addresses.guide(lang, t.guide_id)),
                 "title": t.title, "summary": t.summary, "fallback": t.fallback}
                for t in topics]

    def countries(self, lang: str) -> None:
        codes = guide_countries(self.store)
        here = addresses.countries(lang)
        choices = [(c.code, c.name, addresses.relative(here, addresses.country(lang, c.code)))
                   for c in country_choices(codes, lang)]
        self.write(here, "countries.html", lang, words(lang)["choose_country"], choices=choices)
        guides = self.store.guide_defs()
        for code in codes:
            topics = [topic(self.store, g, lang) for g in order_guides(guides, code) if g.country == code]
            here_country = addresses.country(lang, code)
            self.write(here_country, "country.html", lang,
                       words(lang)["guides_for"].format(country=country_name(code, lang)),
                       cards=self.cards(lang, topics, here_country))

    def guide(self, lang: str, guide_id: str) -> None:
        view = guide_view(self.store, guide_id, lang)
        address = addresses.about(lang) if guide_id == ABOUT_ID else addresses.guide(lang, guide_id)
        self.write(address, "guide.html", lang, view.title, view=view, image_size=self.image_size,
                   reviewed=format_review_date(view.last_reviewed, lang) if view.last_reviewed else "",
                   is_about=guide_id == ABOUT_ID)

    def quiz(self, lang: str) -> None:
        questions = self.store.question_defs()
        # the general questions, and the host country's when the site has one
        questions = questions_for_country(questions, self.store.guide_defs(), self.options.country or "")
        here = addresses.quiz(lang)
        shown = []
        for question in questions:
            view = question_view(self.store, question, lang)
            shown.append({
                "id": view.question_id,
                "text": view.text,
                "options": view.options,
                "answer": dict(view.options)[question.answer],
                "answer_id": question.answer,
                "explanation": view.explanation,
                "guide": addresses.relative(here, addresses.guide(lang, view.guide_id)),
                "fallback": view.fallback,
            })
        self.write(here, "quiz.html", lang, words(lang)["quiz"], questions=shown)

    def links(self, lang: str) -> None:
        country = self.options.country or ""
        self.write(addresses.links(lang), "links.html", lang, words(lang)["links"],
                   links=links_view(self.store, lang, country))

    def poster(self, lang: str) -> None:
        target = addresses.absolute(self.options.base_url, addresses.home(lang))
        self.write(addresses.poster(lang), "poster.html", lang, words(lang)["poster_question"],
                   per_language=False, target=target)

    def staff(self) -> None:
        """The staff page (``staff/``): what the kiosk and this site are, in the desk's
        language. Unlike the kiosk's, it names no IT contact (a public page) and no idle
        time (the site does not know the kiosk's)."""
        country = self.options.country
        assert country, "a staff page needs the town hall's country"
        desk_lang = desk_language(country, self.options.desk_language)
        # the idle time is not shown here, so any value does
        page = staff_page(self.store, desk_lang, "", 0)
        self.write(addresses.staff(), "staff.html", page.lang, page.title, per_language=False,
                   page=page, missing_name=language_name(page.missing_desk_lang, page.lang)
                   if page.missing_desk_lang else "")

    # --- files ---------------------------------------------------------------------------

    def assets(self) -> None:
        assets = self.out / "assets"
        (assets / "fonts").mkdir(parents=True)
        for name in ("site.css", "quiz.js"):
            shutil.copyfile(HERE / "static" / name, assets / name)
        for name in FONT_FILES:
            shutil.copyfile(_kivy_fonts() / name, assets / "fonts" / name)
        for media_path in self.store.media_paths():
            data = self.store.media(media_path)
            if data is None or self.image_size(media_path) is None:
                continue  # the kiosk shows its description instead; so does the page
            target = self.out / media_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def marker(self) -> None:
        """kiosk-site.json: what wrote the site from which content (publish looks for it)."""
        info = {"generator": "kiosk-content export-web", "content_version": self.store.content_version,
                "languages": list(self.languages), "base_url": self.options.base_url}
        (self.out / SITE_MARKER).write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")

    def sitemap_xml(self) -> None:
        """sitemap.xml (with the translations of each page) and robots.txt naming it."""
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                 'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
        for address, alternates in self.sitemap:
            lines.append(f"<url><loc>{xml_escape(self.absolute(address))}</loc>")
            for code, href in alternates:
                lines.append(f'<xhtml:link rel="alternate" hreflang="{code}" href="{xml_escape(href)}"/>')
            lines.append("</url>")
        lines.append("</urlset>")
        (self.out / "sitemap.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (self.out / "robots.txt").write_text(
            f"User-agent: *\nAllow: /\nSitemap: {self.absolute('sitemap.xml')}\n", encoding="utf-8")


def _kivy_fonts() -> Path:
    """Kivy's bundled Roboto (Latin, Greek, Cyrillic), found without importing Kivy."""
    spec = importlib.util.find_spec("kivy")
    if spec is None or not spec.submodule_search_locations:
        raise ExportError("Kivy is not installed: its Roboto fonts are the site's fonts")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "fonts"


def _language_pages(cache: Path, out: Path, options: SiteOptions,
                    langs: tuple[str, ...]) -> tuple[int, tuple[str, int], list[Any]]:
    """Write every page of ``langs`` (in a worker process): page count, largest page and
    sitemap entries."""
    store = ContentStore(cache)
    try:
        site = _Site(store, out, options)
        for lang in langs:
            site.home(lang)
            site.countries(lang)
            for guide in store.guide_defs():
                site.guide(lang, guide.id)
            site.guide(lang, ABOUT_ID)
            site.quiz(lang)
            site.links(lang)
            if options.base_url:
                site.poster(lang)
        return site.report.pages, site.report.largest_page, site.sitemap
    finally:
        store.close()


def _write_all(site: _Site, cache: Path) -> None:
    """The shared files and the language chooser here, the languages' pages in
    WORKERS processes (rendering and QR codes take most of an export's time)."""
    site.assets()
    site.marker()
    site.language_chooser()
    if site.options.country:
        site.staff()
    groups = [site.languages[i::WORKERS] for i in range(WORKERS) if site.languages[i::WORKERS]]
    jobs = [(cache, site.out, site.options, group) for group in groups]
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        results = pool.starmap(_language_pages, jobs)
    for pages, largest, sitemap in results:
        site.report.pages += pages
        if largest[1] > site.report.largest_page[1]:
            site.report.largest_page = largest
        site.sitemap.extend(sitemap)
    site.sitemap.sort(key=lambda entry: entry[0])


def export_site(content_dir: Path, out: Path, options: SiteOptions | None = None) -> ExportReport:
    """Write the site for ``content_dir`` into ``out``: built beside it and swapped in at
    the end, so a failed export leaves the last site as it was."""
    options = options or SiteOptions()
    started = time.perf_counter()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    building.chmod(0o755)  # mkdtemp's 0700 would keep a web server's user out of the site
    try:
        with tempfile.TemporaryDirectory() as cache_dir:
            try:
                cache = ensure_cache(Path(cache_dir), content_dir)
                store = ContentStore(cache)
            except ContentError as exc:  # names the file and line of each problem
                raise ExportError(str(exc)) from None
            try:
                site = _Site(store, building, options)
                _write_all(site, cache)
                if not options.country:
                    site.report.notes.append(
                        "no --country: no staff page (it is written in the desk's language "
                        "of the town hall's country)")
                if options.base_url:
                    site.sitemap_xml()
                else:
                    site.report.notes.append(
                        "no --base-url: sitemap.xml, canonical addresses and the posters "
                        "(whose QR code needs the site's address) were not written")
            finally:
                store.close()
        old = out.with_name(f".{out.name}-old")
        if old.exists():
            shutil.rmtree(old)
        if out.exists():
            out.rename(old)
        building.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    report = site.report
    files = [p for p in out.rglob("*") if p.is_file()]
    report.files = len(files)
    report.total_bytes = sum(p.stat().st_size for p in files)
    report.seconds = time.perf_counter() - started
    return report


__all__ = ["ExportError", "ExportReport", "SiteOptions", "export_site"]
