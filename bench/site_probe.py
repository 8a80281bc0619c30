"""What the benchmark adds to the online edition while Chromium shows it (never on disk).

The bench's page server puts :data:`PROBE_SCRIPT` into every page it serves. Two animation
frames after the load event and fonts are ready (the first frame with the final text and
images), the script posts ``{screen, targets, title}`` to ``/__beacon``: the screen named
from the page's address, and the screen positions of its touch targets under the names
the kiosk's probe file uses (``lang-en``, ``guide-register-italy``).

The kiosk has an attract screen and the website has none, so :data:`ATTRACT_PAGE` stands
in for it: "Touch to start" in the kiosk's type, and a touch anywhere opens the site's
language chooser, as a touch on the kiosk's attract screen opens its language screen.
"""
from __future__ import annotations

import html

PROBE_SCRIPT = """<script>
(function () {
  var path = location.pathname.replace(/index\\.html$/, '');
  var screen = path.endsWith('/attract.html') ? 'attract'
    : path === '/' ? 'language'
    : /^\\/[a-z]{2}\\/$/.test(path) ? 'home'
    : /^\\/[a-z]{2}\\/guides\\/[^/]+\\/$/.test(path) ? 'guide' : 'other';
  function targets() {
    var found = {};
    function add(name, el) {
      var r = el.getBoundingClientRect();
      var x = r.left + r.width / 2, y = r.top + r.height / 2;
      if (r.height <= 1 || x < 0 || y < 0 || x > innerWidth || y > innerHeight) return;
      if (!(name in found)) found[name] = [Math.round(screenX + x), Math.round(screenY + y)];
    }
    document.querySelectorAll('.choices a[hreflang]').forEach(function (a) { add('lang-' + a.hreflang, a); });
    document.querySelectorAll('.card > a').forEach(function (a) {
      var m = a.getAttribute('href').match(/guides\\/([^/]+)\\//);
      if (m) add('guide-' + m[1], a);
    });
    return found;
  }
  function report() {
    var body = JSON.stringify({screen: screen, language: document.documentElement.lang,
      title: document.title, targets: targets(), window: [innerWidth, innerHeight]});
    if (!navigator.sendBeacon('/__beacon', body))
      fetch('/__beacon', {method: 'POST', body: body, keepalive: true});
  }
  var loaded = new Promise(function (ok) {
    if (document.readyState === 'complete') ok(); else addEventListener('load', ok);
  });
  Promise.all([loaded, document.fonts.ready]).then(function () {
    requestAnimationFrame(function () { requestAnimationFrame(report); });
  });
})();
</script>"""


def attract_page(prompt: str, tagline: str) -> str:
    """The stand-in for the kiosk's attract screen (served as /attract.html)."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(prompt)}</title>
<link rel="stylesheet" href="assets/site.css">
<style>body {{ height: 100vh; margin: 0; display: flex; flex-direction: column; align-items: center;
 justify-content: center; gap: 30px; font-family: Roboto, sans-serif; background: #c2c5fd; color: #3a3e6c;
 overflow: hidden; cursor: default; }} .prompt {{ font-size: 64px; font-weight: 700; }}
 .tagline {{ font-size: 30px; }}</style></head>
<body><div class="prompt">{html.escape(prompt)}</div><div class="tagline">{html.escape(tagline)}</div>
<script>document.addEventListener('pointerdown', function () {{ location.href = 'index.html'; }});</script>
</body></html>
"""
