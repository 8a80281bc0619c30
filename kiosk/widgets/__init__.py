"""Reusable Kivy widgets for the kiosk screens (UI layer: imports Kivy)."""
