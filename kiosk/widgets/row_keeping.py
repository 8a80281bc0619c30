"""A RecycleView adapter that gives each row back the widget that last showed it.

Kivy's ``RecycleDataAdapter``, on every re-layout (which any row changing its height
causes), puts all row widgets into one cache and hands them back last in, first out:
rows swap widgets, and each widget re-renders the texts of the row it now shows. Rows
whose height follows their text never settle that way (they swap again as soon as the
new texts change their heights: the clock ran out of iterations every frame). This
adapter keeps the widgets it has made and hands a row the widget that last showed the
same data, so a re-layout renders nothing; only a row with new data gets a spare widget.
"""
from __future__ import annotations

from typing import Any

from kivy.uix.recycleview.views import RecycleDataAdapter
from kivy.uix.widget import Widget


class RowKeepingAdapter(RecycleDataAdapter):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._spare: list[Widget] = []
        """Widgets not showing a row now, each still holding the data it last showed."""
        self._showing: dict[Widget, dict[str, Any]] = {}

    def refresh_view_attrs(self, index: int, data_item: dict[str, Any], view: Widget) -> None:
        super().refresh_view_attrs(index, data_item, view)
        self._showing[view] = data_item

    def invalidate(self) -> None:
        self._spare.extend(self.views.values())
        for views in self.dirty_views.values():
            self._spare.extend(views.values())
        self.views = {}
        self.dirty_views.clear()

    def get_view(self, index: int, data_item: dict[str, Any], viewclass: Any) -> Widget | None:
        if viewclass is None:
            return None
        dirty = self.dirty_views.get(viewclass)
        if dirty and index in dirty:  # it shows this row already (only its place moved)
            return dirty.pop(index)
        same_class = [view for view in self._spare if view.__class__ is viewclass]
        for view in same_class:
            if self._showing.get(view) == data_item:
                self._spare.remove(view)
                return view
        if same_class:
            view = same_class[0]
            self._spare.remove(view)
            self.refresh_view_attrs(index, data_item, view)
            return view
        return super().get_view(index, data_item, viewclass)

    @property
    def widgets_made(self) -> int:
        """How many row widgets this adapter holds (showing a row or spare)."""
        return len(self._showing)
