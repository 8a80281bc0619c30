"""The Kivy/KivyMD application: the app, its parts, live translation, the UI error
handler and the launcher that configures Kivy before it is imported."""
