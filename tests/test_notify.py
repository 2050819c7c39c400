"""sd_notify datagrams to a fake $NOTIFY_SOCKET, and the app sending READY/WATCHDOG/STOPPING."""

import socket

import pytest

from kiosk.ops.notify import Notifier


@pytest.fixture
def sock(tmp_path):
    path = tmp_path / "notify.sock"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(str(path))
    s.settimeout(1.0)
    yield s, str(path)
    s.close()


def received(s):
    out = []
    s.setblocking(False)
    try:
        while True:
            out.append(s.recv(4096).decode())
    except BlockingIOError:
        pass
    return out


def test_messages_go_to_the_socket(sock):
    s, path = sock
    n = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "10000000"})
    assert n.enabled and n.watchdog_interval_s() == 5.0
    assert n.ready() and n.watchdog() and n.status("3 reps") and n.reloading() and n.stopping()
    assert received(s) == ["READY=1", "WATCHDOG=1", "STATUS=3 reps", "RELOADING=1", "STOPPING=1"]
    n.close()


def test_abstract_socket_name():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0crux-kiosk-test-notify")
    try:
        n = Notifier({"NOTIFY_SOCKET": "@crux-kiosk-test-notify"})
        assert n.ready()
        assert received(s) == ["READY=1"]
    finally:
        s.close()


def test_no_socket_is_a_quiet_no_op():
    n = Notifier({})
    assert not n.enabled and n.watchdog_interval_s() is None
    assert n.ready() is False


def test_a_vanished_socket_is_logged_once_and_never_raises(tmp_path, caplog):
    n = Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone.sock")})
    assert n.ready() is False and n.watchdog() is False
    assert sum("sd_notify" in r.message for r in caplog.records) == 1


def test_the_app_says_ready_after_the_first_frame_feeds_the_watchdog_and_says_stopping(sock):
    from kiosk.app import App

    s, path = sock
    app = App(headless=True, notifier=Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "10000000"}), fps=15)
    app.run(seconds=1.0)
    msgs = received(s)
    assert msgs[0] == "READY=1"
    assert msgs[-1] == "STOPPING=1"
    assert msgs.count("WATCHDOG=1") >= 1  # fed from the loop (at most twice per watchdog interval)


def test_watchdog_is_rate_limited_and_a_full_socket_never_blocks(sock):
    s, path = sock
    n = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"})  # ping at most every 0.5 s
    sent = [n.watchdog(t / 100) for t in range(300)]  # 3 s of 100 fps frames
    assert sum(sent) == 6
    for _ in range(500):  # nobody reads: the queue fills, sends are dropped, nothing blocks
        n.status("x")
    assert received(s)[:2] == ["WATCHDOG=1", "WATCHDOG=1"]
