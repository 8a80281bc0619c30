"""The kiosk's content, for the kiosk and for sync alike: the model, loading the
editorial source with line numbers, its checks, and the SQLite cache (writer and reader).
Plain Python: nothing here imports Kivy."""
