"""systemd readiness and watchdog notifications (the sd_notify protocol, no libsystemd).

Under a unit with ``Type=notify`` and ``WatchdogSec=``, systemd passes ``NOTIFY_SOCKET``
and ``WATCHDOG_USEC``. The app sends ``READY=1`` once the first frame is on screen and
``WATCHDOG=1`` from a timer on its UI loop: if the UI loop freezes, the pings stop and
systemd restarts the service, even though the process is still alive.
"""
from __future__ import annotations

import os
import socket
from collections.abc import Mapping


class SystemdNotifier:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        # An address starting with "@" is in Linux's abstract namespace.
        self.address = "\0" + address[1:] if address.startswith("@") else address
        self.watchdog_usec = 0
        pid = env.get("WATCHDOG_PID")
        if pid is None or pid == str(os.getpid()):
            try:
                self.watchdog_usec = int(env.get("WATCHDOG_USEC", "0"))
            except ValueError:
                self.watchdog_usec = 0
        self.sent: list[str] = []
        self.failures = 0

    @property
    def enabled(self) -> bool:
        return bool(self.address) and hasattr(socket, "AF_UNIX")

    @property
    def ping_interval(self) -> float | None:
        """Seconds between pings (half the watchdog timeout, as systemd advises), or None."""
        if not self.enabled or self.watchdog_usec <= 0:
            return None
        return self.watchdog_usec / 1_000_000 / 2

    def notify(self, *assignments: str) -> bool:
        """Send ``KEY=value`` lines; False (never an exception) when nobody listens."""
        if not self.enabled:
            return False
        message = "\n".join(assignments)
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.connect(self.address)
                # Never block the UI loop: if the manager's queue is full, drop this one.
                sock.send(message.encode(), socket.MSG_DONTWAIT)
        except OSError:
            self.failures += 1
            return False
        self.sent.append(message)
        del self.sent[:-20]
        return True

    def ready(self, status: str = "") -> bool:
        return self.notify("READY=1", *([f"STATUS={status}"] if status else []))

    def ping(self) -> bool:
        return self.notify("WATCHDOG=1")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")
