"""EU citizens' information kiosk.

Plain-Python core (config, content loading and cache, visit and idle policy, quiz, view
models, admin gate) plus a Kivy/KivyMD UI (``app``, ``launcher``, ``i18n``, ``screens``,
``widgets``); only the UI modules import Kivy.
"""

__version__ = "0.1.0"
