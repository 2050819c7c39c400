"""Content: the article's words, the staff directory over the defaults, every field's checks, images,
`kiosk content check|diff|fields`, and `kiosk preview` PNGs of every screen."""

import json
import os
import re
import struct
import zlib
from pathlib import Path

import pygame
import pytest

from kiosk.cli import main
from kiosk.content import DEFAULT_PATH, FIELDS, check_content, describe_fields, diff, load_content
from kiosk.errors import ContentError
from kiosk.ui.fit import ScreenFit

SCREEN = ScreenFit()  # decodes the images and checks the text fits, as `kiosk content check` does

ARTICLE = DEFAULT_PATH.parents[1].parent / "shared" / "seed" / "crux-hip-hinge-article.txt"
DEFAULT_TEXT = DEFAULT_PATH.read_text()


def png_bytes(w: int, h: int, rgb=(255, 0, 0)) -> bytes:
    """A real PNG (solid colour), written by hand so the test does not depend on pygame's encoder."""
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def staff_dir(tmp_path: Path, toml: str, files: dict[str, bytes] | None = None) -> Path:
    d = tmp_path / "content"
    d.mkdir(exist_ok=True)
    (d / "content.toml").write_text(toml)
    for name, data in (files or {}).items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(data)
    return d


def problems_of(tmp_path, toml, files=None) -> list[str]:
    c, problems = check_content(staff_dir(tmp_path, toml, files), screen=SCREEN)
    assert (c is None) == bool(problems)
    return [str(p) for p in problems]


@pytest.mark.skipif(not ARTICLE.exists(), reason="../shared/seed is not beside this checkout")
def test_steps_and_benefits_are_the_articles_words():
    article = ARTICLE.read_text().lower()
    c = load_content()
    assert len(c.steps) == 5 and len(c.benefits) == 4
    for s in c.steps:
        assert s.text.lower() in article
    for b in c.benefits:
        assert b.title.lower() in article and b.text.lower().rstrip(".") in article
    assert "marco ng" in c.author.lower() and c.phone_uri == "tel:+17789857700"
    assert "Call us now 7789857700" in ARTICLE.read_text() and c.phone == "778-985-7700"


def test_every_field_has_a_default_and_every_default_is_a_field():
    from kiosk.content import default_values

    keys = {re.sub(r"\[\d+\]", "[]", k) for k in default_values()}
    assert keys == set(FIELDS)


def test_staff_file_overrides_key_by_key_and_replaces_lists_whole(tmp_path):
    toml = """
[gym]
phone = "604-555-0100"
phone_uri = "tel:+16045550100"

[[steps]]
text = "Stand tall."
pose = 0.0

[[steps]]
text = "Bow."
pose = 1.0
"""
    c = load_content(staff_dir(tmp_path, toml), screen=SCREEN)
    assert c.phone == "604-555-0100" and c.gym_name == "Crux Fitness"  # the rest of [gym] is the default
    assert [s.text for s in c.steps] == ["Stand tall.", "Bow."]  # the list is replaced, not merged
    assert len(c.benefits) == 4 and c.set_reps == 8
    assert c.source.endswith("content/content.toml")


def test_check_lists_every_problem_with_file_line_and_key(tmp_path, capsys):
    toml = """[gym]
phone = 7789857700
phnoe = "1"

[train]
set_reps = 0

[theme]
muted = "#1c2636"
accent = "orange"
"""
    d = staff_dir(tmp_path, toml)
    assert main(["content", "check", str(d)]) == 1
    out = capsys.readouterr().out.splitlines()
    f = str(d / "content.toml")
    assert out[0] == f'{f}:3: [gym] phnoe is not a field - did you mean "phone"?'
    text = "\n".join(out)
    assert f"{f}:2: [gym] phone is int 7789857700" in text
    assert f"{f}:6: [train] set_reps is 0 - use 1 to 50" in text
    assert f'{f}:10: [theme] accent is "orange" - write a colour as "#rrggbb"' in text
    assert f"{f}:9: [theme] muted on theme.background has contrast 1.2:1 - needs at least 3:1" in text
    assert out[-1] == f"{d}: 5 problem(s) - nothing goes live until they are fixed"


@pytest.mark.parametrize(
    "toml, expected",
    [
        ('[gym]\nname = ""', ':2: [gym] name is empty - write the text between the quotes: name = "..."'),
        ('[gym]\nname = "Crux\\nFitness"', "[gym] name contains a line break"),
        ("[gym]\nname = 1", "[gym] name is int 1 - write it in quotes"),
        ('[gym]\nphone = "call us"', '[gym] phone is "call us" - write a phone number with 7 to 15 digits'),
        (
            '[gym]\nphone_uri = "778-985-7700"',
            '[gym] phone_uri is "778-985-7700" - write tel: and the number',
        ),
        ('[gym]\nphone_uri = "tel:+16045550100"', "dials +16045550100 but the screen shows 778-985-7700"),
        ('[gym]\noffer_url = "javascript:alert(1)"', "start it with https:, mailto:, sms: or tel:"),
        ('[gym]\noffer_url = "https://"', "a web link needs a host"),
        ('[gym]\noffer_url = "https://crux.ca/free report"', "write spaces in a link as %20"),
        ("[train]\ntarget_angle_deg = nan", "[train] target_angle_deg is nan - use 60 to 160"),
        ("[train]\nset_reps = 8.5", "[train] set_reps is float 8.5 - write a whole number from 1 to 50"),
        ("[train]\nset_reps = true", "[train] set_reps is bool True"),
        ("[timing]\ncall_s = 1e9", "[timing] call_s is 1000000000.0 - use 5 to 300"),
        ('[theme]\ntext = "#202a3a"', "[theme] text on theme.background has contrast"),
        ('[cues]\nrep = "' + "x" * 61 + '"', "[cues] rep is 61 characters - at most 60; shorten it"),
        ('[cuse]\nrep = "Yes"', '[cuse] is not a content table - did you mean "cues"?'),
        ('[[benefits]]\ntitle = "Only a title"', '[[benefits]] #1 text is missing - add text = "..."'),
        ('[[stepz]]\ntext = "x"', '[[stepz]] is not a content table - did you mean "steps"?'),
        ('[[steps]]\ntext = "one"', "[[steps]] has 1 entries - use 2 to 8"),
        ('[[steps]]\ntext = "a"\npose = 3\n[[steps]]\ntext = "b"', "[[steps]] #1 pose is 3 - use 0 to 1"),
        ("[gym\nname = 1", "not valid TOML"),
        ("gym = 3", "[gym] write it as a [gym] table"),
    ],
)
def test_each_bad_field_says_what_and_how_to_fix(tmp_path, toml, expected):
    found = problems_of(tmp_path, toml)
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path / "content" / "content.toml")) for p in found)


def test_text_too_long_for_the_smallest_screen_names_the_step(tmp_path):
    # 200 characters: within the cap, but 7 lines where 6 fit at 800x480
    long_step = (
        "Once you feel the stretch in your hamstrings, slightly bend the knees while keeping the torso down,"
        " then hold that position, breathe out slowly, and squeeze your glutes hard before you"
        " stand up again."
    )
    toml = DEFAULT_TEXT.replace(
        "Continue the bow until you feel a stretch in your hamstrings.", long_step.strip()
    )
    found = problems_of(tmp_path, toml)
    assert len(found) == 1
    assert re.search(r":\d+: \[\[steps\]\] #3 text needs 7 lines where 6 fit on the 800x480 screen", found[0])
    line = int(found[0].split(":")[1])
    assert "squeeze your glutes" in toml.splitlines()[line - 1]  # the line number points at the text


def test_a_phone_number_too_wide_for_the_call_screen(tmp_path):
    found = problems_of(
        tmp_path, '[gym]\nphone = "+1 (778) 985-7700 ext. 12345"\nphone_uri = "tel:+17789857700"'
    )
    assert any("[gym] phone" in p for p in found)  # not a valid phone (ext.) - refused before the fit check
    found = problems_of(
        tmp_path, '[gym]\nphone = "+44 (0) 7789 857 700 00"\nphone_uri = "tel:+44778985770000"'
    )
    assert any("[gym] phone is" in p and "too wide for one line on the 800x480 screen" in p for p in found), (
        found
    )


# -- images ------------------------------------------------------------------------------------------
def test_logo_and_photo_are_read_and_drawn(tmp_path):
    d = staff_dir(
        tmp_path,
        '[gym]\nlogo = "img/logo.png"\n[title]\nphoto = "photo.png"',
        {"img/logo.png": png_bytes(200, 100, (255, 0, 0)), "photo.png": png_bytes(300, 400, (0, 0, 255))},
    )
    c = load_content(d, screen=SCREEN)
    assert c.logo.size == (200, 100) and c.photo.size == (300, 400)
    from kiosk.core.modes import Mode, State
    from kiosk.ui.screens import Renderer, ScreenFrame

    surf = pygame.Surface((1920, 1080))
    Renderer().render(surf, ScreenFrame(state=State(mode=Mode.ATTRACT, card=0), content=c, t=0.0))
    # the logo, scaled into 300x110 at the top right: pure red there
    assert surf.get_at((1920 - 60 - 110, 35 + 50))[:3] == (255, 0, 0)
    # the photo replaces the drawn figure on the first card: blue in the figure's column
    blue = sum(
        1
        for x in range(1100, 1800, 20)
        for y in range(200, 900, 20)
        if surf.get_at((x, y))[:3] == (0, 0, 255)
    )
    assert blue > 200


@pytest.mark.parametrize(
    "value, files, expected",
    [
        ("../logo.png", {}, "leaves the content directory (..)"),
        ("/etc/passwd.png", {}, "is not a path inside the content directory"),
        ("~/logo.png", {}, "is not a path inside the content directory"),
        ("missing.png", {}, "is not in"),
        ("logo.gif", {"logo.gif": b"GIF89a"}, "is not a .png or .jpg file"),
        ("logo.png", {"logo.png": png_bytes(64, 64)[:40] + b"garbage" * 10}, "does not decode"),
        ("logo.png", {"logo.png": b"not an image at all"}, "is not a PNG or JPEG image"),
        ("logo.png", {"logo.png": png_bytes(5000, 10)}, "is 5000x10 pixels - at most 4096 a side"),
        ("logo.jpg", {"logo.jpg": b"\xff\xd8" + b"\x00" * 100}, "is not a PNG or JPEG image"),
        (
            "logo.png",
            {"logo.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * (3 * 1024 * 1024)},
            "images are at most 2.1 MB",
        ),
        ("sub", {"sub/x.png": png_bytes(2, 2)}, "is not a .png or .jpg file"),
    ],
)
def test_bad_images_are_refused(tmp_path, value, files, expected):
    found = problems_of(tmp_path, f'[gym]\nlogo = "{value}"', files)
    assert len(found) == 1 and "[gym] logo" in found[0] and expected in found[0], found


def test_an_image_linked_from_outside_is_refused(tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(png_bytes(4, 4))
    d = staff_dir(tmp_path, '[gym]\nlogo = "logo.png"')
    os.symlink(outside, d / "logo.png")
    found = [str(p) for p in check_content(d, screen=SCREEN)[1]]
    assert len(found) == 1 and "links outside" in found[0]
    (d / "logo.png").unlink()
    (d / "inner").mkdir()
    (d / "inner" / "real.png").write_bytes(png_bytes(4, 4))
    os.symlink(d / "inner" / "real.png", d / "logo.png")  # a link inside the directory is fine
    assert check_content(d, screen=SCREEN)[1] == []


# -- fuzzing the loader -----------------------------------------------------------------------------
def _mutations(seed: int):
    import random

    rng = random.Random(seed)
    base = DEFAULT_TEXT.encode()
    lines = DEFAULT_TEXT.splitlines()
    for _ in range(60):
        yield base[: rng.randrange(len(base))]  # truncated (a half-written scp)
    for _ in range(60):
        b = bytearray(base)
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)  # flipped bytes, bad UTF-8
        yield bytes(b)
    for _ in range(40):
        b = bytearray(base)
        at = rng.randrange(len(b))
        b[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))  # binary garbage
        yield bytes(b)
    values = [
        "1",
        "-1",
        "1e308",
        "-inf",
        "nan",
        "true",
        "[]",
        "{}",
        '""',
        '"' + "A" * 5000 + '"',
        "9" * 40,
        '"../../etc/shadow.png"',
        '"/dev/zero.png"',
        '"\\u0000"',
        "[[1, [2, [3]]]]",
        "{ a = { b = { c = 1 } } }",
        "1979-05-27T07:32:00Z",
        '"#fff"',
        '"tel:+1"',
    ]
    for _ in range(120):
        out = list(lines)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(out))
            if "=" in out[i] and not out[i].lstrip().startswith("#"):
                out[i] = out[i].split("=", 1)[0] + "= " + rng.choice(values)
            else:
                out[i] = rng.choice(["[[steps]]", "[gym]", "[[benefits]]", "[nope]", "", "= 1", "[[gym]]"])
        yield "\n".join(out).encode()
    yield b"a = " + b"[" * 5000 + b"]" * 5000  # deep nesting
    yield b"x = {" * 3000
    yield b"\xff\xfe\x00\x00" * 100
    yield b""
    yield b'[gym]\nlogo = "' + b"../" * 50 + b'etc/passwd"\n'


def test_fuzzed_content_never_crashes_the_loader(tmp_path):
    d = tmp_path / "content"
    d.mkdir()
    f = d / "content.toml"
    seen_ok = seen_bad = 0
    for k, data in enumerate(_mutations(seed=20261124)):
        f.write_bytes(data)
        c, problems = check_content(d)  # (no ScreenCheck: the fit check draws; kept out of the 300 loops)
        if c is None:
            seen_bad += 1
            assert problems, k
            for p in problems:
                line = str(p)
                assert line.startswith(str(f)) and "\n" not in line and len(line) < 400, (k, line)
        else:
            seen_ok += 1
            assert problems == [] and len(c.steps) >= 2 and c.phone
    assert seen_bad > 200 and seen_ok > 0  # both outcomes were exercised


# -- commands -----------------------------------------------------------------------------------------
def test_content_check_ok(capsys):
    assert main(["content", "check"]) == 0
    out = capsys.readouterr().out
    assert "(built-in): OK - version " in out and "4 benefits, 5 steps, sets of 8, phone 778-985-7700" in out


def test_content_diff_lists_what_changes_on_screen(tmp_path, capsys):
    d = staff_dir(
        tmp_path, '[gym]\nphone = "604-555-0100"\nphone_uri = "tel:+16045550100"\n[train]\nset_reps = 6'
    )
    assert main(["content", "diff", str(d), "--against", str(DEFAULT_PATH)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        '  ~ [gym] phone: "778-985-7700" -> "604-555-0100"  (attract, summary, call)',
        '  ~ [gym] phone_uri: "tel:+17789857700" -> "tel:+16045550100"  (attract, call)',
        "  ~ [train] set_reps: 8 -> 6  (train, summary)",
    ]
    assert main(["content", "diff", str(d), "--against", str(d)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "  no changes"


def test_diff_of_lists_names_added_and_removed_entries():
    a = {"steps[1].text": "a", "steps[2].text": "b", "theme.accent": [255, 140, 0]}
    b = {"steps[1].text": "a", "theme.accent": [0, 0, 0]}
    assert diff(a, b) == [
        "~ [theme] accent: #ff8c00 -> #000000  (every screen)",
        '- [[steps]] #2 text (was "b")  (learn)',
    ]


def test_readme_lists_every_field_as_generated():
    readme = (DEFAULT_PATH.parents[1] / "README.md").read_text()
    assert describe_fields() in readme, "README's field list is stale: paste `kiosk content fields` into it"


def test_preview_writes_every_screen_from_a_directory(tmp_path):
    d = staff_dir(
        tmp_path,
        '[gym]\nlogo = "logo.png"\n[theme]\naccent = "#00ff00"\n',
        {"logo.png": png_bytes(120, 60, (255, 0, 255))},
    )
    out = tmp_path / "png"
    assert main(["preview", str(d), "--out", str(out), "--size", "800x480"]) == 0
    names = sorted(p.stem for p in out.glob("*.png"))
    assert names == sorted(
        [f"attract-{k}" for k in range(1, 5)]
        + [f"learn-{k}" for k in range(1, 6)]
        + ["train", "train-rep", "train-squat", "train-side-on", "train-form", "train-nobody", "train-demo"]
        + ["summary", "call"]
        + ["fault", "staff"]
    )
    call = pygame.image.load(str(out / "call.png"))
    assert call.get_size() == (800, 480)
    px = pygame.surfarray.array3d(call)
    green = (px[..., 0] == 0) & (px[..., 1] == 255) & (px[..., 2] == 0)
    magenta = (px[..., 0] > 240) & (px[..., 1] < 20) & (px[..., 2] > 240)  # (smoothscaled)
    assert green[:, 100:200].sum() > 500  # the phone number, in the staff's accent colour
    assert magenta[600:, :60].sum() > 200  # the logo, top right


def test_preview_of_bad_content_lists_the_problems_and_draws_nothing(tmp_path, capsys):
    d = staff_dir(tmp_path, '[gym]\nphone = ""')
    out = tmp_path / "png"
    assert main(["preview", str(d), "--out", str(out)]) == 1
    assert "[gym] phone is empty" in capsys.readouterr().out
    assert not out.exists()


def test_load_content_raises_with_every_problem(tmp_path):
    d = staff_dir(tmp_path, '[gym]\nphone = ""\nname = ""')
    with pytest.raises(ContentError) as e:
        load_content(d, screen=SCREEN)
    assert len(e.value.problems) == 2 and str(e.value).count("\n") == 1


def test_showing_file_is_what_diff_compares_with(tmp_path, capsys, monkeypatch):
    from kiosk.content import live as live_content

    showing = tmp_path / "run" / "content-showing.json"
    lc = live_content.LiveContent(staff_dir(tmp_path, "[train]\nset_reps = 5"), showing_path=showing)
    doc = json.loads(showing.read_text())
    assert (
        doc["version"] == lc.current.version and doc["valid"] is True and doc["values"]["train.set_reps"] == 5
    )
    assert oct(showing.stat().st_mode & 0o777) == "0o644"
    monkeypatch.setattr(live_content, "SHOWING_PATH", showing)
    assert main(["content", "diff"]) == 0  # no DIR: the built-in content (no /etc/crux-kiosk here)
    out = capsys.readouterr().out
    assert f"compared with the running kiosk (version {lc.current.version}" in out
    assert "~ [train] set_reps: 5 -> 8" in out


def test_checking_a_logo_leaves_the_video_driver_alone(tmp_path):
    """`kiosk run --content DIR` with a logo must open a real window on a desktop: the content check
    (images decoded, text fitted) may not choose SDL's video driver for the process."""
    import subprocess
    import sys

    d = staff_dir(tmp_path, '[gym]\nlogo = "logo.png"\n', {"logo.png": png_bytes(120, 60, (255, 0, 255))})
    code = (
        "import os, sys; from kiosk.content import check_content; from kiosk.ui.fit import ScreenFit;"
        " c, p = check_content(sys.argv[1], screen=ScreenFit()); assert c is not None and c.logo, p;"
        " print(os.environ.get('SDL_VIDEODRIVER'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "SDL_VIDEODRIVER"}
    out = subprocess.run([sys.executable, "-c", code, str(d)], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "None"
