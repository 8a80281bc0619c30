"""Admin screen: behind the hidden gesture and a PIN; shows status and can exit the app.

The gesture: five taps within four seconds on the top-left corner of the top bar.
"""
from __future__ import annotations

import math
import threading
from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from contentlib.countries import desk_language
from kiosk.core.desk import language_name, staff_page
from kiosk.ui.i18n import tr
from kiosk.core.markup import escape_markup
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.core.viewmodels import admin_status
from kiosk.ui.screen_context import AdminServices
from kiosk.widgets.common import set_shown

load_kv(__file__)


class AdminScreen(KioskScreen):
    pin_display = StringProperty("")
    message = StringProperty("")
    """Plain text (paths, error texts): its labels have markup off."""
    unlocked = BooleanProperty(False)
    status_text = StringProperty("")
    """Markup: the names in bold, every value escaped."""
    staff_shown = BooleanProperty(False)
    staff_title = StringProperty("")
    staff_text = StringProperty("")
    """Plain text in the desk's language (its labels have markup off)."""
    staff_note = StringProperty("")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._digits = ""

    @property
    def services(self) -> AdminServices:
        assert self.context.admin is not None, "the app gives the staff screen its services"
        return self.context.admin

    def on_kv_post(self, base_widget: Any) -> None:
        self.body = self.ids.body.__self__
        self.pin_panel = self.ids.pin_panel.__self__
        self.admin_panel = self.ids.admin_panel.__self__
        self.staff_panel = self.ids.staff_panel.__self__
        self.staff_column = self.ids.staff_column.__self__
        self.staff_note_label = self.ids.staff_note.__self__
        self.bind(unlocked=self._show_panel, staff_shown=self._show_panel)
        self._show_panel()

    def _show_panel(self, *_args: Any) -> None:
        set_shown(self.body, self.pin_panel, not self.unlocked)
        set_shown(self.body, self.admin_panel, self.unlocked and not self.staff_shown)
        set_shown(self.body, self.staff_panel, self.unlocked and self.staff_shown)

    def show_staff_page(self) -> None:
        """What this machine is, in the desk's language, for new front-desk staff."""
        if not self.unlocked:
            return
        settings = self.context.settings
        desk_lang = desk_language(settings.host_country, settings.desk_language)
        page = staff_page(self.context.store, desk_lang, settings.it_contact,
                          settings.idle_timeout + settings.warning_seconds)
        self.staff_title = page.title
        self.staff_text = "\n\n".join(page.paragraphs)
        self.staff_note = tr._(
            "This page is not yet written in {language}, so it is in English."
        ).format(language=language_name(page.missing_desk_lang, self.context.language)) \
            if page.missing_desk_lang else ""
        set_shown(self.staff_column, self.staff_note_label,
                  bool(page.missing_desk_lang), at_top=True)
        self.staff_shown = True

    def close_staff_page(self) -> None:
        self.staff_shown = False

    def show(self, **params: Any) -> None:
        self.staff_shown = False
        self.unlocked = False
        self._digits = ""
        self.pin_display = ""
        self.message = "" if self.services.gate.configured else tr._(
            "No admin PIN is set. Put admin_pin_hash in the config (see: kiosk hash-pin)."
        )
        self.refresh()

    def refresh(self) -> None:
        self.title = tr._("Staff only")
        if self.unlocked:
            context = self.context
            status = admin_status(
                context.store, context.settings.languages, str(context.data_dir)
            )
            from sync.updater import status as sync_status

            sync = sync_status(context.data_dir)
            never = tr._("never")
            rows = [
                (tr._("Content version"), f"{status.content_version} ({status.content_fingerprint})"),
                (tr._("Bundle version"), str(sync["sync_version"] or "-")),
                (tr._("Last update check"), sync["last_check"] or never),
                (tr._("Last successful update"), sync["last_success"] or never),
                (tr._("Last update error"), sync["last_error"] or "-"),
                (tr._("Update state"), sync["state_error"] or tr._("readable")),
                (tr._("Content expired (still shown)"), tr._("yes") if sync["stale"] else tr._("no")),
                (tr._("Languages in the content"), ", ".join(status.languages)),
                (tr._("Languages offered"), ", ".join(status.offered_languages)),
                (tr._("Data folder"), status.data_dir),
                (tr._("Content cache"), status.cache_file),
            ]
            self.status_text = "\n".join(
                f"[b]{escape_markup(k)}:[/b] {escape_markup(v)}" for k, v in rows
            )

    def press_digit(self, digit: str) -> None:
        if len(self._digits) < 12:
            self._digits += digit
            self.pin_display = "\u2022" * len(self._digits)

    def clear(self) -> None:
        self._digits = ""
        self.pin_display = ""

    def submit(self) -> None:
        result = self.services.gate.try_pin(self._digits)
        self.clear()
        if result.accepted:
            self.unlocked = True
            self.message = ""
            self.refresh()
        elif result.locked_for > 0:
            minutes = max(1, math.ceil(result.locked_for / 60))
            self.message = tr.ngettext(
                "Too many wrong PINs. Try again in {n} minute.",
                "Too many wrong PINs. Try again in {n} minutes.",
                minutes,
            ).format(n=minutes)
        else:
            self.message = tr.ngettext(
                "Wrong PIN. {n} try left.", "Wrong PIN. {n} tries left.", result.tries_left
            ).format(n=result.tries_left)

    def import_from_usb(self) -> None:
        """Apply a signed bundle from a USB stick, with the same checks as a download."""
        from sync.usb import find_bundles

        bundles = find_bundles()
        if not bundles:
            self.message = tr._("No content bundle found on a USB stick.")
            return
        worker = self.services.current_sync_worker()
        if worker is None:
            self.message = tr._("No public key is set in the config, so no bundle can be trusted.")
            return
        self.message = tr._("Importing from {path}...").format(path=bundles[0])

        def run() -> None:
            result, error = worker.run_once(str(bundles[0]))
            Clock.schedule_once(lambda _dt: self._import_done(result, error), 0)

        threading.Thread(target=run, name="usb-import", daemon=True).start()

    usb_roots: tuple[Any, ...] | None = None
    """Where USB sticks are mounted (None: the system's usual places); tests point it elsewhere."""

    def export_usage_to_usb(self) -> None:
        """Write the per-day usage counters as CSV to the first USB stick found."""
        from sync.usb import find_export_folder

        store = self.services.current_usage_store()
        folder = find_export_folder(self.usb_roots, need_mount=self.usb_roots is None)
        if folder is None or store is None:
            self.message = tr._("No USB stick found.")
            return
        from kiosk.ops.usage import counts_to_csv

        country, day = self.context.settings.host_country, self.context.today().isoformat()
        name = f"kiosk-usage-{country}-{day}.csv"
        try:
            (folder / name).write_text(counts_to_csv(store.counts()), encoding="utf-8")
        except OSError as exc:
            self.message = tr._("Could not save the usage figures: {reason}").format(
                reason=exc.strerror or exc
            )
            return
        self.message = tr._("Usage figures saved to {path}.").format(path=folder / name)

    def _import_done(self, result: Any, error: str | None) -> None:
        if error:
            self.message = tr._("Import refused: {reason}").format(reason=error)
        elif result is not None:
            self.message = tr._("Imported version {version}.").format(version=result.version)
            self.services.content_applied(result)
        self.refresh()

    def exit_app(self) -> None:
        """End the kiosk program: only once the PIN has been accepted."""
        if self.unlocked:
            self.services.exit_app()

    def on_leave(self, *_args: Any) -> None:
        self.staff_shown = False
        self.staff_title = self.staff_text = self.staff_note = ""
        self.unlocked = False
        self.clear()
        self.status_text = ""


SCREEN = AdminScreen
