"""Content updates: signed bundle format, the editors' publishing tool and the kiosk's
updater. Plain Python (no Kivy). The kiosk already reads content only through the cache
and switches caches by atomically replacing a pointer file (``contentlib.cache``), which is
the hand-over point for the updater."""
