"""Renders a :class:`~kiosk.core.viewmodels.GuideView` into a column of widgets.

Headings, paragraphs, bullet and numbered lists, emphasis and images come from the
guide's blocks; every linked address gets a QR code card with the address printed under
it; the sources and the review date close the document. With an online edition, a
"Continue on your phone" card with the guide's address there follows the summary. Labels
are plain text unless they carry formatting from the content (headings, paragraphs, list
items, sources): those are :class:`MarkupLabel` and every piece of content in them is
escaped.

Nothing here reaches for the running app: the colours come in a :class:`DocumentLook`,
the pictures from a media loader, the kiosk's own words in the language asked for. Font
sizes follow the app's text size step through the widgets' kv rules. The document is made
one top-level widget at a time (:func:`document_parts`), so that it can be built a little
per frame (:mod:`kiosk.widgets.guide_layout`).
"""
from __future__ import annotations

import io
import logging
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kivy.core.image import Image as CoreImage
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from contentlib.images import check_image_header
from contentlib.model import Block
from kiosk.core.languages import format_review_date
from kiosk.core.markup import escape_markup, spans_to_markup
from kiosk.core.speech import plain
from kiosk.core.viewmodels import GuideView
from kiosk.ui.i18n import tr
from kiosk.widgets.common import KioskLabel, MarkupLabel, QRCodeImage
from kiosk.widgets.surface import FitHeightBox, Surface

Builder.load_file(str(Path(__file__).with_suffix(".kv")), encoding="utf-8")

log = logging.getLogger(__name__)

MediaLoader = Callable[[str], bytes | None]
"""The bytes of a content picture by name, or None when the content has none."""

Part = tuple[int | None, Widget]
"""One top-level widget of a document, with the index of the block it shows (None for the
kiosk's own parts: title, summary, notes, QR codes, sources)."""


def _hex(rgba: Sequence[float]) -> str:
    return "".join(f"{round(c * 255):02x}" for c in rgba[:3])


@dataclass(frozen=True)
class DocumentLook:
    """The colours a rendered document has baked into it: links are coloured inside the
    paragraphs' markup, so a document made for one theme is not right for another."""

    link_color: str
    """Links in the text, as ``rrggbb`` (for markup's ``[color=]``)."""
    note_color: tuple[float, ...]
    """The "not yet translated" note (RGBA)."""
    outline_color: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)
    """The outline of a link's QR panel (RGBA)."""


def look_from_theme(theme: Any) -> DocumentLook:
    """The look for KivyMD's ``theme_cls`` as it is now: links in the primary colour, the
    fallback note in the tertiary one, panels outlined in the outline-variant one."""
    return DocumentLook(_hex(theme.primaryColor), tuple(theme.tertiaryColor),
                        tuple(theme.outlineVariantColor))


class SourceLabel(MarkupLabel):
    """One source: its title, and its address under it in the small type size.

    The small size is a property bound by the kv rule (``app.font_small``), so a label
    made once follows the text size step.
    """

    source_title = StringProperty("")
    source_url = StringProperty("")
    small_size = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup_role="guide-source", **kwargs)
        self.fbind("source_title", self._compose)
        self.fbind("source_url", self._compose)
        self.fbind("small_size", self._compose)
        self._compose()

    def _compose(self, *_args: Any) -> None:
        self.text = (f"{escape_markup(self.source_title)}\n[size={int(self.small_size)}]"
                     f"{escape_markup(self.source_url)}[/size]")


def link_card(url: str, line_color: Sequence[float], title: str = "",
              qr_probe_id: str = "") -> Surface:
    """A panel with a QR code for ``url`` and the address printed beside it, under
    ``title`` in bold if one is given; the code gets ``qr_probe_id``."""
    card = Surface(
        orientation="horizontal",
        size_hint_y=None,
        padding=dp(16),
        spacing=dp(20),
        line_color=line_color,
    )
    card.add_widget(QRCodeImage(data=url, probe_id=qr_probe_id))
    text_box = FitHeightBox(orientation="vertical", spacing=dp(8))
    text_box.pos_hint = {"center_y": 0.5}
    if title:
        text_box.add_widget(KioskLabel(text=title, bold=True, text_style="heading"))
    address = KioskLabel(text=url)
    address.probe_id = "link-address"
    text_box.add_widget(address)
    card.add_widget(text_box)

    def fit(*_args: object) -> None:
        card.height = max(dp(212), text_box.height + dp(32))

    text_box.bind(height=fit)
    fit()
    return card


def phone_card(url: str, ui_lang: str, line_color: Sequence[float]) -> Surface:
    """The "Continue on your phone" panel: a QR code for this page of the online edition
    (probe id "phone-link"), titled in the visitor's language."""
    title = tr.text_in(ui_lang, "Continue on your phone")
    return link_card(url, line_color, title=title, qr_probe_id="phone-link")


def fallback_note(color: Sequence[float], ui_lang: str) -> KioskLabel:
    """The note that the text below is shown in English, in the visitor's language."""
    note = KioskLabel(
        text=tr.text_in(ui_lang, "Not yet translated: shown in English."),
        text_style="small",
        text_color=list(color),
        italic=True,
    )
    note.probe_id = "fallback-note"
    return note


def section_heading(text: str) -> KioskLabel:
    """A heading the kiosk adds itself ("Sources"): plain bold text."""
    return KioskLabel(text=text, bold=True, text_style="heading", padding=(0, dp(18), 0, 0))


def content_heading(block: Block) -> MarkupLabel:
    """A heading of the guide: its spans (which may carry emphasis) in bold, escaped."""
    return MarkupLabel(
        markup_role="guide-heading",
        text=f"[b]{spans_to_markup(block.spans)}[/b]",
        # a '###' sub-heading reads smaller than its section
        text_style="body" if block.level > 2 else "heading",
        padding=(0, dp(18), 0, 0),
    )


def image_texture(data: bytes, name: str) -> Texture | None:
    """The texture of the content image ``name``, or None when it cannot be shown.

    The header is checked first (format, and the pixel limits of :mod:`contentlib.images`,
    so a huge picture is never decoded); then Kivy decodes it, and whatever Kivy raises is
    caught. A refused picture is logged with its file name: one bad file on disk must never
    take the kiosk down.
    """
    try:
        check_image_header(data, name)
        texture = CoreImage(io.BytesIO(data), ext=name.rsplit(".", 1)[-1].lower()).texture
        if texture is None:
            raise ValueError("no texture")
    except Exception as exc:  # ImageRejected, or Kivy's "SDL2: Unable to load image"
        log.error(
            "%s: the picture cannot be shown, its description is shown instead: %s", name, exc
        )
        return None
    return texture


def image_description(alt: str) -> KioskLabel:
    """The image's description (alt text), shown where a picture failed to load."""
    label = KioskLabel(text=alt, halign="center", italic=True)
    label.image_fallback = True  # type: ignore[attr-defined]
    return label


def list_row(marker: str, entry: str) -> FitHeightBox:
    """One item of a bullet or numbered list: the marker beside the item's text."""
    row = FitHeightBox(spacing=dp(12))
    bullet = KioskLabel(text=marker, size_hint_x=None, width=dp(44), halign="right")
    bullet.pos_hint = {"top": 1}  # beside the first line of a wrapped item
    row.add_widget(bullet)
    row.add_widget(MarkupLabel(markup_role="guide-list-item", text=entry))
    return row


def block_widgets(block: Block, media: MediaLoader, link_color: str) -> Iterator[Widget]:
    """The widgets that show one block, one at a time (a list gives one per item)."""
    if block.kind == "heading":
        yield content_heading(block)
    elif block.kind == "paragraph":
        paragraph = spans_to_markup(block.spans, link_color)
        yield MarkupLabel(markup_role="guide-paragraph", text=paragraph)
    elif block.kind in ("bullets", "numbers"):
        for number, item in enumerate(block.items, start=1):
            marker = f"{number}." if block.kind == "numbers" else "\u2022"
            yield list_row(marker, spans_to_markup(item, link_color))
    elif block.kind == "image":
        data = media(block.src)
        if data is None:
            return
        texture = image_texture(data, block.src)
        if texture is None:  # the description stands in for a picture that cannot load
            yield image_description(block.alt)
            return
        height = min(dp(320), texture.height * dp(1))
        yield Image(texture=texture, size_hint_y=None, height=height, fit_mode="contain")
        yield KioskLabel(text=block.alt, halign="center", text_style="small")


def document_parts(
    view: GuideView, ui_lang: str, media: MediaLoader, look: DocumentLook, phone_url: str = ""
) -> Iterator[Part]:
    """The document's top-level widgets in order, each made only when asked for.

    ``ui_lang`` is the language of the kiosk's own words (the visitor's, also when the
    guide falls back to English). ``phone_url``, the same page in the online edition,
    puts a "Continue on your phone" panel right after the summary; empty: none.
    """
    if view.fallback:
        yield None, fallback_note(look.note_color, ui_lang)
    yield None, KioskLabel(text=view.title, bold=True, text_style="title")
    yield None, KioskLabel(text=view.summary, italic=True)
    if phone_url:
        yield None, phone_card(phone_url, ui_lang, look.outline_color)
    for index, block in enumerate(view.blocks):
        for widget in block_widgets(block, media, look.link_color):
            yield index, widget
    if view.link_targets:
        yield None, section_heading(tr.text_in(ui_lang, "Scan to open on your phone"))
        for url in view.link_targets:
            yield None, link_card(url, look.outline_color)
    if view.sources:
        yield None, section_heading(tr.text_in(ui_lang, "Sources"))
        for source in view.sources:
            label = SourceLabel(source_title=source.title, source_url=source.url)
            label.probe_id = "source"
            yield None, label
    if view.last_reviewed:
        reviewed = tr.text_in(ui_lang, "Last reviewed: {date}").format(
            date=format_review_date(view.last_reviewed, view.lang)
        )
        yield None, KioskLabel(text=reviewed, text_style="small", padding=(0, dp(12), 0, 0))


AVERAGE_GLYPH_WIDTH = 0.5
"""The width of an average letter, as a share of the font size (Roboto's Latin, Greek and
Cyrillic text comes to 0.45-0.5): enough to tell how many parts fill a screen."""


def estimated_height(widget: Widget, width: float) -> float:
    """About how high ``widget`` will be once laid out at ``width``, told before its text is
    rendered (rendering is what showing a guide costs): a label's lines from its length,
    a box's children side by side or stacked, anything else its fixed height."""
    if isinstance(widget, Label):
        text = plain(widget.text) if widget.markup else widget.text
        font_size = float(widget.font_size)
        per_line = max(1, int(width / (font_size * AVERAGE_GLYPH_WIDTH)))
        lines = sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))
        _left, top, _right, bottom = widget.padding
        return lines * font_size * widget.line_height + top + bottom
    if isinstance(widget, BoxLayout) and widget.children:
        children = [estimated_height(child, width) for child in widget.children]
        _left, top, _right, bottom = widget.padding
        if widget.orientation == "horizontal":
            return max(children) + top + bottom
        return sum(children) + widget.spacing * (len(children) - 1) + top + bottom
    return float(widget.height) if widget.size_hint_y is None else 0.0


def add_part(container: Widget, placed: dict[int, Widget], part: Part) -> None:
    """Add one part to ``container``, noting the first widget drawn for each block."""
    index, widget = part
    container.add_widget(widget, index=0)
    if index is not None:
        placed.setdefault(index, widget)
