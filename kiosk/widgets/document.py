"""Renders a :class:`~kiosk.core.viewmodels.GuideView` into a column of widgets.

Headings, paragraphs, bullet and numbered lists, emphasis and images come from the
guide's blocks; every linked address gets a QR code card with the address printed under
it; the sources and the review date close the document. Labels are plain text unless
they carry formatting from the content (headings, paragraphs, list items, sources): those
are :class:`MarkupLabel` and every piece of content in them is escaped.
"""
from __future__ import annotations

import io
import logging

from kivy.core.image import Image as CoreImage
from kivy.graphics.texture import Texture
from kivy.metrics import dp
from kivy.uix.image import Image
from kivy.uix.widget import Widget
from kivymd.app import MDApp
from kivymd.uix.boxlayout import MDBoxLayout
from kivymd.uix.card import MDCard

from contentlib.model import Block
from kiosk.ui.i18n import tr
from contentlib.images import check_image_header
from kiosk.core.languages import format_review_date
from kiosk.core.markup import escape_markup, spans_to_markup
from contentlib.store import ContentStore
from kiosk.core.viewmodels import GuideView
from kiosk.widgets.common import KioskLabel, MarkupLabel, QRCodeImage

log = logging.getLogger(__name__)


def _hex(rgba: list[float]) -> str:
    return "".join(f"{round(c * 255):02x}" for c in rgba[:3])


def link_card(url: str, label: str = "") -> MDCard:
    """A card with a QR code for ``url`` and the address printed beside it."""
    card = MDCard(
        style="outlined",
        orientation="horizontal",
        size_hint_y=None,
        padding=dp(16),
        spacing=dp(20),
        radius=[dp(16)],
    )
    card.add_widget(QRCodeImage(data=url))
    text_box = MDBoxLayout(orientation="vertical", adaptive_height=True, spacing=dp(8))
    text_box.pos_hint = {"center_y": 0.5}
    if label:
        text_box.add_widget(KioskLabel(text=label, bold=True))
    address = KioskLabel(text=url)
    address.probe_id = "link-address"
    text_box.add_widget(address)
    card.add_widget(text_box)

    def fit(*_args: object) -> None:
        card.height = max(dp(212), text_box.height + dp(32))

    text_box.bind(height=fit)
    fit()
    return card


def fallback_note() -> KioskLabel:
    app = MDApp.get_running_app()
    note = KioskLabel(
        text=tr._("Not yet translated: shown in English."),
        text_style="small",
        theme_text_color="Custom",
        text_color=app.theme_cls.tertiaryColor,
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


def render_document(container: MDBoxLayout, view: GuideView, store: ContentStore) -> dict[int, Widget]:
    """Fill ``container`` (a vertical box with adaptive height) with the document.

    Returns the first widget drawn for each block, by block index, so a caller can
    scroll to a section.
    """
    placed: dict[int, Widget] = {}
    app = MDApp.get_running_app()
    link_color = _hex(app.theme_cls.primaryColor)
    container.clear_widgets()
    if view.fallback:
        container.add_widget(fallback_note())
    container.add_widget(KioskLabel(text=view.title, bold=True, text_style="title"))
    container.add_widget(KioskLabel(text=view.summary, italic=True))
    for index, block in enumerate(view.blocks):
        first_child = len(container.children)
        if block.kind == "heading":
            container.add_widget(content_heading(block))
        elif block.kind == "paragraph":
            paragraph = spans_to_markup(block.spans, link_color)
            container.add_widget(MarkupLabel(markup_role="guide-paragraph", text=paragraph))
        elif block.kind in ("bullets", "numbers"):
            for number, item in enumerate(block.items, start=1):
                marker = f"{number}." if block.kind == "numbers" else "\u2022"
                row = MDBoxLayout(adaptive_height=True, spacing=dp(12))
                bullet = KioskLabel(text=marker, size_hint_x=None, width=dp(44), halign="right")
                bullet.pos_hint = {"top": 1}  # beside the first line of a wrapped item
                row.add_widget(bullet)
                entry = spans_to_markup(item, link_color)
                row.add_widget(MarkupLabel(markup_role="guide-list-item", text=entry))
                container.add_widget(row)
        elif block.kind == "image":
            data = store.media(block.src)
            if data is None:
                continue
            texture = image_texture(data, block.src)
            if texture is None:  # the description stands in for a picture that cannot load
                container.add_widget(image_description(block.alt))
            else:
                height = min(dp(320), texture.height * dp(1))
                image = Image(texture=texture, size_hint_y=None, height=height, fit_mode="contain")
                container.add_widget(image)
                container.add_widget(
                    KioskLabel(text=block.alt, halign="center", text_style="small")
                )
        if len(container.children) > first_child:
            placed[index] = container.children[len(container.children) - first_child - 1]
    if view.link_targets:
        container.add_widget(section_heading(tr._("Scan to open on your phone")))
        for url in view.link_targets:
            container.add_widget(link_card(url))
    if view.sources:
        container.add_widget(section_heading(tr._("Sources")))
        for source in view.sources:
            sources_label = MarkupLabel(
                markup_role="guide-source",
                text=f"{escape_markup(source.title)}\n[size={int(app.font_small)}]"
                f"{escape_markup(source.url)}[/size]",
            )
            sources_label.probe_id = "source"
            container.add_widget(sources_label)
    if view.last_reviewed:
        container.add_widget(
            KioskLabel(
                text=tr._("Last reviewed: {date}").format(
                    date=format_review_date(view.last_reviewed, view.lang)
                ),
                text_style="small",
                padding=(0, dp(12), 0, 0),
            )
        )
    return placed
