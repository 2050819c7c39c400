"""sd_notify without a dependency: datagrams to $NOTIFY_SOCKET (READY=1, WATCHDOG=1, STOPPING=1, ...).

A no-op on a desktop (no $NOTIFY_SOCKET). Never raises: a failed send is logged once. Main thread.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, env: dict[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        addr = env.get("NOTIFY_SOCKET", "")
        self._addr = ("\0" + addr[1:]) if addr.startswith("@") else addr  # "@..." = abstract namespace
        self._sock: socket.socket | None = None
        self._warned = False
        self._last_ping: float | None = None
        usec = env.get("WATCHDOG_USEC", "")
        self._watchdog_s = int(usec) / 1e6 / 2 if usec.isdigit() and int(usec) > 0 else None

    @property
    def enabled(self) -> bool:
        return bool(self._addr)

    def watchdog_interval_s(self) -> float | None:
        """How often to send WATCHDOG=1: half of systemd's WatchdogSec (None without a watchdog)."""
        return self._watchdog_s

    def send(self, message: str) -> bool:
        if not self._addr:
            return False
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            # never block the frame loop: if systemd is not reading, drop the message
            self._sock.sendto(message.encode(), socket.MSG_DONTWAIT, self._addr)
            return True
        except OSError as e:
            if not self._warned:
                log.warning(
                    "sd_notify to %r failed (%s); systemd will not hear from the kiosk", self._addr, e
                )
                self._warned = True
            return False

    def ready(self) -> bool:
        return self.send("READY=1")

    def watchdog(self, t: float | None = None) -> bool:
        """Feed the watchdog; with `t` (monotonic s) at most once per half watchdog interval."""
        if t is not None:
            every = self._watchdog_s or 1.0
            if self._last_ping is not None and t - self._last_ping < every / 2:
                return False
            self._last_ping = t
        return self.send("WATCHDOG=1")

    def stopping(self) -> bool:
        return self.send("STOPPING=1")

    def reloading(self) -> bool:
        return self.send("RELOADING=1")

    def status(self, text: str) -> bool:
        return self.send(f"STATUS={text}")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
