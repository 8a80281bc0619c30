"""Lets go of a widget tree for good: off the screen, and none of its kv rules left bound.

A widget taken off the screen usually lives on until Python's cycle collector runs
(parents and children point at each other, KivyMD binds lambdas to its own labels), and
until then its kv rules still follow what they watch (``app.font_body``, the theme's
colours): a text size step or a contrast switch would re-render every such label, and a
rule could run while the collector frees its widget. Unbinding every rule through Kivy's
public :meth:`Builder.unbind_widget` as the tree is let go closes both.
"""
from __future__ import annotations

from kivy.lang import Builder
from kivy.uix.widget import Widget


def release_tree(root: Widget) -> None:
    """Take ``root`` out of its parent and unbind the kv rules of it and every widget in it.

    The tree must not be shown again: its widgets no longer follow the app's fonts and
    theme.
    """
    if root.parent is not None:
        root.parent.remove_widget(root)
    for widget in list(root.walk(restrict=True)):
        Builder.unbind_widget(widget.uid)


def release_children(container: Widget) -> None:
    """:func:`release_tree` for every child of ``container`` (which itself stays)."""
    for child in list(container.children):
        release_tree(child)
