"""The UI's last line of defence: an error in any Kivy callback ends the visit, not the app.

Kivy hands every exception that escapes its main loop (a touch handler, a clock callback,
a property observer) to ``kivy.base.ExceptionManager``. :class:`UiErrorHandler` logs the
traceback, counts it for the metrics file, and sends the kiosk back to the attract screen;
only when errors repeat faster than the :class:`~kiosk.core.error_budget.ErrorBudget` allows
does it let the process end, so the service manager starts a fresh one.
"""
from __future__ import annotations

import logging
from typing import Any, Protocol

from kivy.base import ExceptionHandler, ExceptionManager

from kiosk.core.error_budget import ErrorBudget

log = logging.getLogger(__name__)


class Recoverable(Protocol):
    ui_errors: int

    def recover_from_error(self) -> None: ...


class UiErrorHandler(ExceptionHandler):
    """Decides, for each exception on the UI loop, whether the app goes on (PASS) or ends."""

    def __init__(self, app: Recoverable, budget: ErrorBudget | None = None) -> None:
        super().__init__()
        self.app = app
        self.budget = budget or ErrorBudget()

    def handle_exception(self, inst: BaseException) -> Any:
        if not isinstance(inst, Exception):  # KeyboardInterrupt, SystemExit: end as asked
            return ExceptionManager.RAISE
        log.error("error on the UI loop; the visit ends and the kiosk starts again",
                  exc_info=(type(inst), inst, inst.__traceback__))
        go_on = self.budget.record()
        self.app.ui_errors = self.budget.total
        if not go_on:
            log.critical("%d errors within %.0f s: ending the app for the service to restart it",
                         self.budget.limit + 1, self.budget.window_seconds)
            return ExceptionManager.RAISE
        try:
            self.app.recover_from_error()
        except Exception:  # noqa: BLE001 - recovery itself failing means we cannot go on
            log.exception("returning to the attract screen failed; ending the app")
            return ExceptionManager.RAISE
        return ExceptionManager.PASS

    def install(self) -> None:
        ExceptionManager.add_handler(self)

    def remove(self) -> None:
        if self in ExceptionManager.handlers:
            ExceptionManager.remove_handler(self)
