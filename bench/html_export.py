"""The kiosk's content as static HTML, for comparing the kiosk with a browser in kiosk mode.

Generates, from the same content and the same plain-Python core the app uses (the SQLite
cache built by ``contentlib.cache`` and read by ``contentlib.store``, the view models from ``kiosk.core.viewmodels``, UI strings from the
gettext catalogs, language and country names from babel, QR codes from ``kiosk.core.qr``), the
four pages of the benchmark walkthrough: attract, language, home (per language) and every
guide (per language). Same texts, Roboto from Kivy's data folder, the app's type scale and
colours, a comparable layout (top bar, scrolling middle, bottom bar); no network resources.

Every page reports itself to the page server once it is drawn: after the load event and
``document.fonts.ready``, two ``requestAnimationFrame`` callbacks later (the first frame
with the final text and images has been produced) it posts ``{screen, targets}`` to
``/__beacon``, where ``targets`` are the screen positions of its touch targets under the
same names the app's probe file uses (``lang-en``, ``guide-register-italy``, ``home``...).

    .venv/bin/python bench/html_export.py OUT_DIR
"""
from __future__ import annotations

import argparse
import html
import importlib.util
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk import paths  # noqa: E402
from contentlib import catalogs  # noqa: E402
from kiosk.config import KioskSettings  # noqa: E402
from contentlib.model import Span  # noqa: E402
from kiosk.core.languages import country_name, format_review_date, native_name  # noqa: E402
from kiosk.core.qr import qr_matrix  # noqa: E402
from contentlib.cache import ensure_cache  # noqa: E402
from contentlib.store import ContentStore  # noqa: E402
from kiosk.core.viewmodels import GuideView, guide_view, home_topics  # noqa: E402

FONT_FACES = {  # file in kivy/data/fonts -> (weight, style)
    "Roboto-Regular.ttf": (400, "normal"),
    "Roboto-Bold.ttf": (700, "normal"),
    "Roboto-Italic.ttf": (400, "italic"),
    "Roboto-BoldItalic.ttf": (700, "italic"),
}

# The app's type scale at the normal text step (kiosk.ui.appearance.BASE_FONTS, sp = px on Xvfb) and
# its light theme (KivyMD "Darkblue" scheme, read off the app's own screenshots).
CSS = """
@font-face { font-family: Roboto; src: url(fonts/Roboto-Regular.ttf); font-weight: 400; font-style: normal; font-display: block; }
@font-face { font-family: Roboto; src: url(fonts/Roboto-Bold.ttf); font-weight: 700; font-style: normal; font-display: block; }
@font-face { font-family: Roboto; src: url(fonts/Roboto-Italic.ttf); font-weight: 400; font-style: italic; font-display: block; }
@font-face { font-family: Roboto; src: url(fonts/Roboto-BoldItalic.ttf); font-weight: 700; font-style: italic; font-display: block; }
:root {
  --scale: 1;
  --display: calc(64px * var(--scale)); --title: calc(40px * var(--scale));
  --heading: calc(30px * var(--scale)); --body: calc(25px * var(--scale));
  --small: calc(20px * var(--scale));
  --primary: #585b8c; --on-primary: #ffffff; --primary-container: #c2c5fd;
  --on-primary-container: #3a3e6c; --surface: #fbf8fe; --on-surface: #32323b;
  --container-low: #f5f2fb; --container: #efecf6; --container-high: #e9e7f1;
  --outline: #9a98a2; --tertiary: #7a5368;
}
html.contrast {
  --primary: #e0e0ff; --on-primary: #000000; --surface: #000000; --on-surface: #ffffff;
  --container-low: #101018; --container: #181820; --container-high: #202028;
  --outline: #ffffff; --tertiary: #ffd8ee;
}
html.step1 { --scale: 1.3; }
html.step2 { --scale: 1.6; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; overflow: hidden; }
body { font-family: Roboto, sans-serif; font-size: var(--body); line-height: 1.465; /* Kivy: 1.25 x Roboto's own line height */
       color: var(--on-surface); background: var(--surface); display: flex;
       flex-direction: column; -webkit-user-select: none; user-select: none; cursor: default; }
a { color: inherit; text-decoration: none; }
.top { flex: none; min-height: max(84px, calc(var(--heading) * 2)); background: var(--primary);
       color: var(--on-primary); display: flex; align-items: center; padding: 0 24px 0 122px;
       font-size: var(--heading); font-weight: 700; white-space: nowrap; overflow: hidden;
       text-overflow: ellipsis; }
main { flex: 1; overflow-y: auto; scrollbar-width: thin; }
.bottom { flex: none; display: grid; grid-template-columns: repeat(6, 1fr); gap: 16px;
          padding: 14px 20px; background: var(--container); }
html.step1 .bottom, html.step2 .bottom { grid-template-columns: repeat(3, 1fr); }
.button { display: flex; align-items: center; justify-content: center; text-align: center;
          min-height: 76px; padding: 14px 18px; border-radius: 20px; font-size: var(--body);
          font-weight: 700; background: var(--container-high); color: var(--on-surface);
          border: 1px solid var(--outline); }
.button.emphasis { background: var(--primary); color: var(--on-primary); border-color: var(--primary); }
.attract { background: var(--primary-container); color: var(--on-primary-container);
           justify-content: center; align-items: center; text-align: center; padding: 60px; gap: 30px; }
.attract img { height: 220px; }
.attract .prompt { font-size: var(--display); font-weight: 700; }
.attract .tagline { font-size: var(--heading); }
.language { padding: 24px 40px; }
.language h1 { font-size: var(--heading); font-weight: 700; text-align: center; margin: 0 0 24px; }
.choices { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; padding: 10px; }
.home { padding: 20px 32px; }
.actions { display: grid; grid-template-columns: repeat(4, 1fr); gap: 18px; padding: 10px 0; align-items: end; }
html.step1 .actions, html.step2 .actions { grid-template-columns: repeat(2, 1fr); }
.country { margin: 20px 0; }
.card { display: block; border-radius: 20px; padding: 18px 22px; margin-bottom: 18px;
        background: var(--container-low); box-shadow: 0 1px 3px rgba(0,0,0,.3); }
.card h2 { font-size: var(--heading); margin: 0 0 8px; }
.card p { margin: 0; }
.doc { padding: 24px 48px 48px; }
.doc > * { margin: 0 0 16px; }
.doc h1 { font-size: var(--title); }
.doc h2 { font-size: var(--heading); padding-top: 18px; }
.doc .summary { font-style: italic; }
.doc ul, .doc ol { padding-left: 56px; }
.doc li { margin-bottom: 16px; padding-left: 12px; }
.doc ul li::marker { content: "\\2022"; }
.doc figure { text-align: center; }
.doc figure img { max-height: 320px; }
.doc figcaption, .small { font-size: var(--small); }
.link { color: var(--primary); text-decoration: underline; }
.qr { display: flex; align-items: center; gap: 20px; min-height: 212px; padding: 16px;
      border: 1px solid var(--outline); border-radius: 16px; }
.qr svg { width: 180px; height: 180px; flex: none; }
.note { font-size: var(--small); font-style: italic; color: var(--tertiary); }
"""

JS = """
(function () {
  var screen = document.body.dataset.screen;
  function targets() {
    var found = {};
    document.querySelectorAll('[data-probe]').forEach(function (el) {
      var r = el.getBoundingClientRect();
      var x = r.left + r.width / 2, y = r.top + r.height / 2;
      if (r.height <= 1 || x < 0 || y < 0 || x > innerWidth || y > innerHeight) return;
      var box = el.closest('main');
      if (box) { var b = box.getBoundingClientRect(); if (y < b.top || y > b.bottom) return; }
      if (!(el.dataset.probe in found))
        found[el.dataset.probe] = [Math.round(screenX + x), Math.round(screenY + y)];
    });
    return found;
  }
  function report() {
    var body = JSON.stringify({screen: screen, language: document.documentElement.lang,
      title: document.title, targets: targets(), window: [innerWidth, innerHeight],
      origin: [screenX, screenY], page_time: performance.timeOrigin + performance.now()});
    if (!navigator.sendBeacon('/__beacon', body))
      fetch('/__beacon', {method: 'POST', body: body, keepalive: true});
  }
  var loaded = new Promise(function (ok) {
    if (document.readyState === 'complete') ok(); else addEventListener('load', ok);
  });
  Promise.all([loaded, document.fonts.ready]).then(function () {
    requestAnimationFrame(function () { requestAnimationFrame(report); });
  });
  var cycle = window.ATTRACT;
  if (cycle) {
    var i = 0;
    setInterval(function () {
      i = (i + 1) % cycle.length;
      document.getElementById('prompt').textContent = cycle[i][0];
      document.getElementById('tagline').textContent = cycle[i][1];
    }, cycle.seconds * 1000);
    document.addEventListener('pointerdown', function () { location.href = 'language.html'; });
  }
  var step = Number(sessionStorage.getItem('step') || 0);
  var contrast = sessionStorage.getItem('contrast') === '1';
  function apply() {
    document.documentElement.className = (step ? 'step' + step : '') + (contrast ? ' contrast' : '');
    var size = document.getElementById('text-size');
    if (size) size.textContent = size.dataset.label + ' ' + ['A', 'A+', 'A++'][step];
  }
  apply();
  window.kiosk = {
    textSize: function () { step = (step + 1) % 3; sessionStorage.setItem('step', step); apply(); },
    contrast: function () { contrast = !contrast; sessionStorage.setItem('contrast', contrast ? '1' : '0'); apply(); }
  };
})();
"""


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def spans_html(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        text = esc(span.text)
        if span.href:
            text = f'<span class="link">{text}</span>'
        if span.italic:
            text = f"<i>{text}</i>"
        if span.bold:
            text = f"<b>{text}</b>"
        out.append(text)
    return "".join(out)


def qr_svg(payload: str) -> str:
    matrix = qr_matrix(payload)
    size = len(matrix)
    path = "".join(f"M{x} {y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark)
    return (f'<svg viewBox="0 0 {size} {size}" shape-rendering="crispEdges" role="img" '
            f'aria-label="QR code"><rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path d="{path}" fill="#000"/></svg>')


class Texts:
    """UI strings per language from the gettext catalogs the app uses."""

    def __init__(self) -> None:
        self._cache: dict[str, object] = {}

    def __call__(self, lang: str, text: str) -> str:
        if lang not in self._cache:
            self._cache[lang] = catalogs.translations(paths.locales_dir(), lang)
        return self._cache[lang].gettext(text)  # type: ignore[attr-defined]


def page(lang: str, screen: str, title: str, body: str, prefix: str = "", head: str = "") -> str:
    preload = "".join(
        f'<link rel="preload" href="{prefix}fonts/{name}" as="font" type="font/ttf" crossorigin>'
        for name in ("Roboto-Regular.ttf", "Roboto-Bold.ttf")
    )
    css = CSS.replace("url(fonts/", f"url({prefix}fonts/")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width">'
        f"<title>{esc(title)}</title>{preload}<style>{css}</style>{head}</head>"
        f'<body data-screen="{screen}">{body}<script src="{prefix}kiosk.js"></script></body></html>\n'
    )


def chrome(t: Texts, lang: str, title: str, content: str, home_href: str, language_href: str) -> str:
    """Top bar, the scrolling middle and the bottom bar, as on every in-visit screen."""
    bar = (
        f'<nav class="bottom">'
        f'<a class="button" data-probe="back" href="javascript:history.back()">\u2039 {esc(t(lang, "Back"))}</a>'
        f'<a class="button emphasis" data-probe="home" href="{home_href}">{esc(t(lang, "Home"))}</a>'
        f'<a class="button" data-probe="language" href="{language_href}">{esc(t(lang, "Language"))}</a>'
        f'<a class="button" data-probe="text-size" id="text-size" data-label="{esc(t(lang, "Text size"))}" '
        f'href="javascript:kiosk.textSize()">{esc(t(lang, "Text size"))} A</a>'
        f'<a class="button" data-probe="contrast" href="javascript:kiosk.contrast()">{esc(t(lang, "High contrast"))}</a>'
        f'<a class="button" data-probe="speak">{esc(t(lang, "Read aloud"))}</a>'
        f"</nav>"
    )
    return f'<header class="top">{esc(title)}</header><main>{content}</main>{bar}'


def guide_body(t: Texts, view: GuideView) -> str:
    lang = view.lang
    out = []
    if view.fallback:
        out.append(f'<p class="note">{esc(t(lang, "Not yet translated: shown in English."))}</p>')
    out.append(f"<h1>{esc(view.title)}</h1>")
    out.append(f'<p class="summary">{esc(view.summary)}</p>')
    for block in view.blocks:
        if block.kind == "heading":
            out.append(f"<h2>{spans_html(block.spans)}</h2>")
        elif block.kind == "paragraph":
            out.append(f"<p>{spans_html(block.spans)}</p>")
        elif block.kind in ("bullets", "numbers"):
            tag = "ol" if block.kind == "numbers" else "ul"
            items = "".join(f"<li>{spans_html(item)}</li>" for item in block.items)
            out.append(f"<{tag}>{items}</{tag}>")
        elif block.kind == "image":
            out.append(f'<figure><img src="../{esc(block.src)}" alt="{esc(block.alt)}">'
                       f"<figcaption>{esc(block.alt)}</figcaption></figure>")
    if view.link_targets:
        out.append(f'<h2>{esc(t(lang, "Scan to open on your phone"))}</h2>')
        for url in view.link_targets:
            out.append(f'<div class="qr">{qr_svg(url)}<div>{esc(url)}</div></div>')
    if view.sources:
        out.append(f'<h2>{esc(t(lang, "Sources"))}</h2>')
        for source in view.sources:
            out.append(f'<p>{esc(source.title)}<br><span class="small">{esc(source.url)}</span></p>')
    if view.last_reviewed:
        date = format_review_date(view.last_reviewed, lang)
        out.append(f'<p class="small">{esc(t(lang, "Last reviewed: {date}").format(date=date))}</p>')
    return f'<article class="doc">{"".join(out)}</article>'


def export(out: Path, content_dir: Path | None = None, settings: KioskSettings | None = None) -> dict[str, int]:
    """Write the site into ``out`` (replaced); return page and byte counts."""
    settings = settings or KioskSettings()
    content_dir = content_dir or paths.bundled_content_dir()
    if out.exists():
        shutil.rmtree(out)
    (out / "fonts").mkdir(parents=True)
    # Kivy's data folder, found without importing Kivy (which would set itself up)
    kivy_fonts = Path(importlib.util.find_spec("kivy").submodule_search_locations[0]) / "data" / "fonts"
    for name in FONT_FACES:
        shutil.copy(kivy_fonts / name, out / "fonts" / name)
    shutil.copy(ROOT / "kiosk" / "assets" / "kiosk-logo.png", out / "logo.png")
    (out / "kiosk.js").write_text(JS, encoding="utf-8")
    t = Texts()
    languages = list(settings.languages)
    pages = 0
    with tempfile.TemporaryDirectory() as cache_dir:
        store = ContentStore(ensure_cache(Path(cache_dir), content_dir))
        try:
            (out / "media").mkdir()
            for media_path in store.media_paths():
                target = out / media_path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(store.media(media_path) or b"")
            # attract: "Touch to start" in every offered language, cycling like the app
            cycle = [[t(code, "Touch to start"),
                      t(code, "Your rights to vote and stand in elections where you live in the EU")]
                     for code in languages]
            head = (f"<script>window.ATTRACT = {json.dumps(cycle, ensure_ascii=False)};"
                    f"window.ATTRACT.seconds = {settings.attract_cycle_seconds};</script>")
            body = (f'<main class="attract" style="display:flex;flex-direction:column">'
                    f'<img src="logo.png" alt=""><div class="prompt" id="prompt">{esc(cycle[0][0])}</div>'
                    f'<div class="tagline" id="tagline">{esc(cycle[0][1])}</div></main>')
            (out / "attract.html").write_text(
                page(settings.default_language, "attract", "EU citizens' information kiosk", body, head=head),
                encoding="utf-8")
            (out / "index.html").write_text(
                '<!DOCTYPE html><meta http-equiv="refresh" content="0; url=attract.html">', encoding="utf-8")
            lang0 = settings.default_language
            buttons = "".join(
                f'<a class="button{" emphasis" if code == lang0 else ""}" data-probe="lang-{code}" '
                f'href="{code}/home.html">{esc(native_name(code))}</a>' for code in languages)
            content = (f'<div class="language"><h1>{esc(t(lang0, "Which language do you want to read in?"))}</h1>'
                       f'<div class="choices">{buttons}</div></div>')
            (out / "language.html").write_text(
                page(lang0, "language", t(lang0, "Choose your language"),
                     chrome(t, lang0, t(lang0, "Choose your language"), content,
                            f"{lang0}/home.html", "language.html")),
                encoding="utf-8")
            pages += 3
            country = settings.host_country
            for lang in languages:
                folder = out / lang
                folder.mkdir()
                title = t(lang, "Your rights as an EU citizen")
                actions = "".join(
                    f'<a class="button{" emphasis" if emph else ""}" data-probe="{probe}">{esc(t(lang, text))}</a>'
                    for probe, text, emph in (("quiz", "Test yourself: quiz", True),
                                              ("links", "Online course and links", True),
                                              ("search", "Search", True),
                                              ("about", "About this kiosk", False)))
                label = (t(lang, "Guides for: {country}").format(country=country_name(country, lang))
                         + "  \u203a  " + t(lang, "Other country"))
                cards = []
                for topic in home_topics(store, lang, country):
                    details = esc(topic.summary)
                    if topic.country:
                        details += f"<br><b>{esc(country_name(topic.country, lang))}</b>"
                    if topic.fallback:
                        details += f'<br><i>{esc(t(lang, "Not yet translated: shown in English."))}</i>'
                    cards.append(f'<a class="card" data-probe="guide-{topic.guide_id}" '
                                 f'href="guide-{topic.guide_id}.html"><h2>{esc(topic.title)}</h2>'
                                 f"<p>{details}</p></a>")
                content = (f'<div class="home"><div class="actions">{actions}</div>'
                           f'<a class="button country" data-probe="country">{esc(label)}</a>'
                           f'{"".join(cards)}</div>')
                (folder / "home.html").write_text(
                    page(lang, "home", title, chrome(t, lang, title, content, "home.html", "../language.html"),
                         prefix="../"),
                    encoding="utf-8")
                pages += 1
                for guide in store.guide_defs():
                    view = guide_view(store, guide.id, lang)
                    (folder / f"guide-{guide.id}.html").write_text(
                        page(lang, "guide", view.title,
                             chrome(t, lang, view.title, guide_body(t, view), "home.html", "../language.html"),
                             prefix="../"),
                        encoding="utf-8")
                    pages += 1
        finally:
            store.close()
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"pages": pages, "bytes": size}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    result = export(args.out)
    print(f"{result['pages']} pages, {result['bytes']:,} bytes in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
