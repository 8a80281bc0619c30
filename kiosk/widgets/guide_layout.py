"""One guide's rendered column, made at once or a few widgets at a time.

A :class:`GuideLayout` owns the widget tree of one guide in one language, for one content
store and one :class:`~kiosk.widgets.document.DocumentLook`: the :class:`LayoutKey`. The
tree can be built while it is not on screen (it lays itself out at the width it is given)
and then shown by putting :attr:`GuideLayout.root` into a scroller.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kivy.metrics import dp
from kivy.uix.widget import Widget

from kiosk.core.viewmodels import GuideView
from kiosk.widgets.document import DocumentLook, Part, add_part, estimated_height
from kiosk.widgets.release import release_tree
from kiosk.widgets.surface import FitHeightBox


@dataclass(frozen=True)
class LayoutKey:
    """Everything a rendered guide depends on besides the font sizes (which it follows)."""

    guide_id: str
    language: str
    """The visitor's language (the kiosk's own words are in it, also over a fallback)."""
    store_path: str
    """The content cache it was read from: new content makes new layouts."""
    look: DocumentLook
    web_base_url: str = ""
    """Where the online edition is published: with the guide and the language it gives the
    address in the "Continue on your phone" code ("": no such code)."""

    def same_setting(self, other: LayoutKey) -> bool:
        """Whether both were made for the same language, content, colours and online edition."""
        return (self.language, self.store_path, self.look, self.web_base_url) == (
            other.language, other.store_path, other.look, other.web_base_url)


class DocumentColumn(FitHeightBox):
    """The vertical box a guide is rendered into; it is as high as its content."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            orientation="vertical",
            padding=(dp(48), dp(24), dp(48), dp(48)),
            spacing=dp(16),
            **kwargs,
        )


class GuideLayout:
    """The widget tree of one guide; complete once every part has been added."""

    def __init__(self, key: LayoutKey, view: GuideView, parts: Iterator[Part]) -> None:
        self.key = key
        self.view = view
        self.root = DocumentColumn()
        self.placed: dict[int, Widget] = {}
        """The first widget drawn for each block, by block index (to scroll to a section)."""
        self._parts: Iterator[Part] | None = parts
        self.released = False
        self.estimated_height = 0.0
        """About how high the parts added so far will be laid out (see ``build``'s
        ``fill``); the real height follows once their text is rendered."""

    @property
    def complete(self) -> bool:
        return self._parts is None

    def build(self, until: float | None = None, fill: float | None = None) -> None:
        """Add the parts still missing: all of them; or, with ``until`` (a
        ``time.perf_counter()`` value), at least one and no more once it has passed; or,
        with ``fill`` (a height), until the parts added reach about that height (from the
        top: what a visitor sees first)."""
        if self._parts is None:
            return
        root = self.root
        while True:
            part = next(self._parts, None)
            if part is None:
                self._parts = None
                return
            add_part(root, self.placed, part)
            left, top, right, _bottom = root.padding
            self.estimated_height += (estimated_height(part[1], root.width - left - right)
                                      + (root.spacing if len(root.children) > 1 else top))
            if fill is not None and self.estimated_height >= fill:
                return
            if until is not None and time.perf_counter() >= until:
                return

    def texture_bytes(self) -> int:
        """The bytes of the textures its widgets hold now (RGBA, four bytes a pixel): most
        of what keeping the layout costs. Mesa's llvmpipe keeps a second copy of each."""
        total = 0
        for widget in self.root.walk(restrict=True):
            texture = getattr(widget, "texture", None)
            if texture is not None:
                total += texture.width * texture.height * 4
        return total

    def release(self) -> None:
        """Let go of the tree for good (see :func:`~kiosk.widgets.release.release_tree`)."""
        if self._parts is not None:
            close = getattr(self._parts, "close", None)
            if close is not None:
                close()
            self._parts = None
        release_tree(self.root)
        self.placed.clear()
        self.released = True
