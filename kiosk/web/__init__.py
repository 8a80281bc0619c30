"""The online edition: the kiosk's content as a static, multilingual, accessible website.

Plain Python (no Kivy): :mod:`kiosk.web.addresses` names every page, :mod:`kiosk.web.site`
writes the site from the content cache with the templates in ``templates/``.
"""
