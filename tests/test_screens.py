"""Every screen draws what it should at 800x480 and 1920x1080 (pixels, not golden images)."""

import os

import numpy as np
import pygame
import pytest

from kiosk.content import load_content
from kiosk.core.modes import Mode, State
from kiosk.core.reps import Phase
from kiosk.ui.screens import BUTTON_COLOURS, SEEN, Renderer, ScreenFrame

ACCENT = load_content().theme.accent

SIZES = [(800, 480), (1920, 1080)]


@pytest.fixture(scope="module")
def renderer():
    pygame.display.init()
    return Renderer()


def draw(renderer, size, state, **kw):
    surf = pygame.Surface(size)
    renderer.render(surf, ScreenFrame(state=state, content=load_content(), t=1.0, **kw))
    return pygame.surfarray.array3d(surf).transpose(1, 0, 2)  # rows, cols, rgb


def share(img, colour, tol=30):
    return float(np.all(np.abs(img.astype(int) - colour) <= tol, axis=-1).mean())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("mode", list(Mode))
def test_every_screen_shows_the_three_buttons_in_their_colours_left_to_right(renderer, size, mode):
    img = draw(renderer, size, State(mode=mode))
    w, h = size
    band = img[int(h * 0.86) : int(h * 0.97)]
    thirds = [band[:, int(w * k / 3) : int(w * (k + 1) / 3)] for k in range(3)]
    for third, name in zip(thirds, ("green", "yellow", "blue"), strict=True):
        assert share(third, BUTTON_COLOURS[name]) > 0.4, name


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_train_shows_the_live_silhouette_when_seen(renderer, size):
    mask = np.zeros((240, 320), bool)
    mask[40:220, 150:180] = True
    seen = draw(
        renderer,
        size,
        State(mode=Mode.TRAIN),
        live_present=True,
        live_mask=mask,
        live_depth=0.5,
        live_angle_deg=140.0,
        live_phase=Phase.DESCENDING,
    )
    away = draw(renderer, size, State(mode=Mode.TRAIN), live_present=False, live_mask=None)
    assert share(seen, SEEN, tol=10) > 0.01
    assert share(away, SEEN, tol=10) == 0.0
    # the readout: depth meter filled, the dial's trunk drawn (the empty panel shows how to stand)
    readout = slice(int(size[0] * 0.5), None)
    assert share(seen[:, readout], ACCENT, tol=20) > share(away[:, readout], ACCENT, tol=20)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_call_screen_has_two_qr_codes(renderer, size):
    img = draw(renderer, size, State(mode=Mode.CALL))
    w, h = size
    above_buttons = img[: int(h * 0.8)]
    black = np.all(above_buttons < 15, axis=-1)  # only QR modules are black (the buttons' text is below)
    cols = black.any(axis=0).astype(int)
    # runs of columns with modules, apart by more than a QR code's quiet zone: one run per code
    edges = np.flatnonzero(np.diff(np.concatenate([[0], cols, [0]])))
    runs = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True)]
    gap = 0.02 * w
    codes = [runs[0]]
    for a, b in runs[1:]:
        if a - codes[-1][1] > gap:
            codes.append((a, b))
        else:
            codes[-1] = (codes[-1][0], b)
    assert len(codes) == 2
    assert all(b - a > 0.08 * w for a, b in codes)  # each a code's width, not a stray pixel


def test_qr_code_encodes_the_phone_number(renderer):
    import segno

    surf = renderer.qr("tel:+17789857700", 330)
    assert surf.get_size() == (330, 330)
    expected = segno.make("tel:+17789857700", error="m")
    n = len(expected.matrix) + 8
    arr = pygame.surfarray.array3d(surf)[:, :, 0].T
    cell = 330 / n
    got = np.array(
        [
            [arr[int((r + 4.5) * cell), int((c + 4.5) * cell)] < 128 for c in range(n - 8)]
            for r in range(n - 8)
        ]
    )
    assert np.array_equal(got, np.array([[bool(v) for v in row] for row in expected.matrix]))


def test_simulator_draws_the_led_bar_on_screen(renderer):
    lit = draw(renderer, (800, 480), State(mode=Mode.TRAIN), bar_levels=(1.0,) * 10)
    dark = draw(renderer, (800, 480), State(mode=Mode.TRAIN), bar_levels=(0.0,) * 10)
    edge_lit, edge_dark = lit[:, -40:], dark[:, -40:]
    assert share(edge_lit, (255, 120, 0), tol=20) > 0.1
    assert share(edge_dark, (255, 120, 0), tol=20) == 0.0


def test_fault_screen_is_calm(renderer):
    mask = np.zeros((240, 320), bool)
    mask[40:220, 150:180] = True
    seen = dict(live_present=True, live_mask=mask, live_depth=0.5, live_angle_deg=140.0)
    training = draw(renderer, (800, 480), State(mode=Mode.TRAIN), **seen)
    fault = draw(renderer, (800, 480), State(mode=Mode.TRAIN, fault=True), **seen)
    assert share(training, SEEN, tol=10) > 0.01  # the same frame without the fault shows the person
    assert share(fault, SEEN, tol=10) == 0.0  # no live view, just the message and the buttons
    assert share(fault, ACCENT, tol=20) < share(training, ACCENT, tol=20)  # no dial, no depth meter


def _fds_on(path: str) -> int:
    fd_dir = "/proc/self/fd"
    n = 0
    for fd in os.listdir(fd_dir):
        try:
            n += os.path.realpath(os.readlink(os.path.join(fd_dir, fd))) == os.path.realpath(path)
        except OSError:
            continue
    return n


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc (Linux)")
def test_fonts_hold_no_file_open_however_many_sizes():
    # every Font used to keep its own descriptor on the font file: 28 of them on a running kiosk
    import kiosk.ui.paint as paint

    font_file = os.path.join(os.path.dirname(pygame.__file__), pygame.font.get_default_font())
    before = _fds_on(font_file)
    r = Renderer()
    sizes = range(12, 12 + 3 * 40, 3)
    fonts = [r.font(px) for px in sizes]
    assert len({id(f) for f in fonts}) == 40 and r.font(12) is fonts[0]  # one Font per size, reused
    assert _fds_on(font_file) == before  # (0 when nothing else made a Font from the file)
    assert list(paint._FONT_BYTES) == [font_file]  # the file was read once
    for px in (12, 47, 120):  # the same metrics as pygame's own default font: layouts do not move
        same = pygame.font.Font(None, px)
        assert (r.font(px).size("Hinge WMgy"), r.font(px).get_linesize()) == (
            same.size("Hinge WMgy"),
            same.get_linesize(),
        )
        del same
    surf = fonts[-1].render("Hinge", True, (255, 255, 255))
    assert surf.get_height() > 60 and pygame.surfarray.array3d(surf).max() == 255  # the fonts draw
