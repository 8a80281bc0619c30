"""The kiosk's plain-Python core: a visit and its idle policy, the quiz, what each
screen shows (view models), languages and countries, markup escaping, accessibility
figures, the admin gate and speech. Nothing here imports Kivy."""
