"""The guides' rendered layouts, kept for showing again and built ahead in idle frames.

Building a guide's widgets is most of the time between a touch on a guide card and the
guide on screen. :class:`GuideLayouts` keeps the last few layouts (least recently shown
goes first) and builds the likely next ones ahead, a few widgets per frame, so that a
touch finds them ready; a touch that finds none builds the first screens of its guide and
leaves the rest to the next frames. A layout that goes is released for good
(:func:`~kiosk.widgets.release.release_tree`): none of its kv rules stays bound, and once
the building is done the memory it freed goes back to the system.

Layouts made for another language, other content, other colours or another address of
the online edition are let go as soon as the kiosk asks for a layout in the new setting;
the one on screen stays until it is replaced.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from kivy.clock import Clock, ClockEvent

from contentlib.store import ContentStore
from kiosk.core.phone_links import guide_page_url
from kiosk.core.viewmodels import guide_view
from kiosk.ops.memory import give_back_free_memory
from kiosk.widgets.document import DocumentLook, document_parts
from kiosk.widgets.guide_layout import GuideLayout, LayoutKey
from kiosk.widgets.touch_state import finger_on_screen

DEFAULT_CAPACITY = 8
"""Layouts kept at most; home lists nine guides with the bundled content."""
TEXTURE_BUDGET_BYTES = 8 * 2**20
"""Kept layouts' textures together at most (the layout on screen always stays). A layout's
textures are 6-12 MiB at the normal text size on 1280x800 and about twice that at the
largest, and the process holds each about twice (Kivy's SDL2 text provider keeps every
label's render surface besides the texture). With this budget one guide is kept or built
ahead besides the one on screen at the normal size, none at the largest: since a guide
shown with no layout ready builds only its first screen in the touch's frame
(FIRST_SCREENS), keeping more bought little speed for a lot of memory (the 40 MiB budget
before held the process about 70 MiB higher after the bench's walkthrough)."""
STEP_SECONDS = 0.006
"""How long one idle frame may spend building ahead (it finishes the widget it started)."""
FIRST_SCREENS = 1.5
"""A guide shown with no ready layout gets this many screens' height of it in the frame of
the touch; the rest follows in the next frames, before anything is built ahead."""


class GuideLayouts:
    """At most ``capacity`` guide layouts holding at most ``texture_budget`` bytes of texture
    together, the one on screen among them."""

    def __init__(
        self,
        store: Callable[[], ContentStore],
        width: Callable[[], float],
        capacity: int = DEFAULT_CAPACITY,
        texture_budget: int = TEXTURE_BUDGET_BYTES,
        height: Callable[[], float] | None = None,
        web_base_url: Callable[[], str] | None = None,
    ) -> None:
        if capacity < 1:
            raise ValueError("at least the layout on screen is kept")
        self._store = store
        self._web_base_url = web_base_url
        """Where the online edition is published (each guide then gets a "Continue on your
        phone" code for its page there); None: nowhere."""
        self._width = width
        """The width a layout built off screen lays itself out at (the scroller's)."""
        self._height = height
        """The height of the window onto a layout (the scroller's); None: a layout is
        complete when shown."""
        self.capacity = capacity
        self.texture_budget = texture_budget
        """Bytes of texture the kept layouts may hold together (see TEXTURE_BUDGET_BYTES)."""
        self._layouts: OrderedDict[LayoutKey, GuideLayout] = OrderedDict()
        self.shown: GuideLayout | None = None
        """The layout in the guide screen's scroller (never evicted)."""
        self._queue: list[LayoutKey] = []
        self._event: ClockEvent | None = None
        self._freed = False
        """Whether layouts were built or let go of since memory was last given back."""

    # ------------------------------------------------------------------ asking for layouts

    def key(self, guide_id: str, language: str, look: DocumentLook) -> LayoutKey:
        web_base_url = self._web_base_url() if self._web_base_url is not None else ""
        return LayoutKey(guide_id, language, str(self._store().path), look, web_base_url)

    def cached(self, guide_id: str, language: str, look: DocumentLook) -> GuideLayout | None:
        """The layout kept for these, complete or still being built ahead, if any."""
        return self._layouts.get(self.key(guide_id, language, look))

    def show(self, guide_id: str, language: str, look: DocumentLook,
             whole: bool = False) -> GuideLayout:
        """The layout to show now: the kept one or a new one. It becomes :attr:`shown`; the
        caller puts its root on screen.

        Its first :data:`FIRST_SCREENS` screens are built now, the rest in the next frames;
        ``whole`` (or no ``height`` given to the constructor) builds all of it now, for a
        caller that scrolls into it at once.
        """
        key = self.key(guide_id, language, look)
        layout = self._layouts.get(key) or self._start(key)
        if whole or self._height is None:
            layout.build()
        else:
            layout.build(fill=FIRST_SCREENS * self._height())
        self._layouts.move_to_end(key)
        self.shown = layout
        self._let_go_of_other_settings(key)
        self._evict()
        self._freed = True  # rendering the text leaves its copies behind
        self._schedule()
        return layout

    def hide(self) -> None:
        """Nothing is on screen any more (the layout stays kept)."""
        if self.shown is not None and self.shown.root.parent is not None:
            self.shown.root.parent.remove_widget(self.shown.root)
        self.shown = None

    def prepare(self, guide_ids: Sequence[str], language: str, look: DocumentLook) -> None:
        """Build these guides' layouts ahead, in this order, a little in each idle frame.

        Only free room is used: building ahead never pushes out a kept layout. A new call
        replaces the list of an earlier one.
        """
        self._queue = [self.key(guide_id, language, look) for guide_id in guide_ids]
        if self._queue:
            self._let_go_of_other_settings(self._queue[0])
        self._schedule()

    # ------------------------------------------------------------------ letting go

    def release_hidden(self) -> None:
        """Let go of every layout that is not on screen (before the fonts or the colours
        change: each would otherwise render its text again, all in one frame)."""
        self._release_where(lambda layout: layout is not self.shown)

    def release_all(self) -> None:
        self._release_where(lambda _layout: True)
        self.shown = None

    def _let_go_of_other_settings(self, key: LayoutKey) -> None:
        self._release_where(
            lambda layout: layout is not self.shown and not layout.key.same_setting(key))
        self._queue = [queued for queued in self._queue if queued.same_setting(key)]

    def texture_bytes(self) -> int:
        """The bytes of texture every kept layout holds together."""
        return sum(layout.texture_bytes() for layout in self._layouts.values())

    def _full(self) -> bool:
        return len(self._layouts) >= self.capacity or self.texture_bytes() >= self.texture_budget

    def _evict(self) -> None:
        """Let the least recently shown layouts go until the count and the budget are kept."""
        while len(self._layouts) > self.capacity or self.texture_bytes() > self.texture_budget:
            oldest = next((layout for layout in self._layouts.values()
                           if layout is not self.shown), None)
            if oldest is None:
                return  # only the layout on screen is left: it stays, whatever its size
            self._release_where(lambda layout: layout is oldest)

    def _release_where(self, condition: Callable[[GuideLayout], bool]) -> None:
        for key, layout in list(self._layouts.items()):
            if condition(layout):
                del self._layouts[key]
                layout.release()
                self._freed = True
                self._schedule()

    # ------------------------------------------------------------------ building

    def _start(self, key: LayoutKey) -> GuideLayout:
        store = self._store()
        view = guide_view(store, key.guide_id, key.language)
        # in the visitor's language (key.language), also when the text falls back to English
        phone_url = guide_page_url(key.web_base_url, key.language, key.guide_id)
        parts = document_parts(view, key.language, store.media, key.look, phone_url)
        layout = GuideLayout(key, view, parts)
        layout.root.width = self._width()
        self._layouts[key] = layout
        return layout

    def _schedule(self) -> None:
        if self._event is None:
            self._event = Clock.schedule_once(self._build_ahead, 0)

    def _build_ahead(self, _dt: float) -> None:
        """One idle frame's worth of finishing the layout on screen, or else of building
        ahead; schedules the next while work is left. Once none is, the memory that
        rendering freed goes back to the system."""
        self._event = None
        shown = self.shown
        if shown is not None and not shown.complete:
            # what the visitor is looking at comes first, also under a finger (a scroll)
            shown.build(until=time.perf_counter() + STEP_SECONDS)
            self._schedule()
            return
        if finger_on_screen():  # a finger's frames come first
            self._schedule()
            return
        current_store = str(self._store().path)
        until = time.perf_counter() + STEP_SECONDS
        while self._queue and time.perf_counter() < until:
            key = self._queue[0]
            if key.store_path != current_store:  # new content came in: this list is stale
                self._queue.clear()
                break
            layout = self._layouts.get(key)
            if layout is None:
                if self._full():  # building ahead never pushes out a kept layout
                    self._queue.clear()
                    break
                layout = self._start(key)
            if layout.root.parent is None:
                layout.root.width = self._width()
            layout.build(until=until)
            self._freed = True
            if layout.complete:
                self._queue.pop(0)
        if self._queue:
            self._schedule()
        elif self._freed:
            self._freed = False
            give_back_free_memory()

    @property
    def building_ahead(self) -> bool:
        """Whether guides are still waiting to be built ahead."""
        return bool(self._queue)

    @property
    def shown_complete(self) -> bool:
        """Whether the layout on screen (if any) has all its parts."""
        return self.shown is None or self.shown.complete

    def __len__(self) -> int:
        return len(self._layouts)
