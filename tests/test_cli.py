"""`kiosk` command line: version, help, and every bad input of `kiosk replay`."""

import json
import subprocess
import sys

import numpy as np
import pytest

from kiosk import __version__
from kiosk.cli import main


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"kiosk {__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "replay" in out and "demo" in out


def _save(path, **arrays):
    np.savez(path, **arrays)
    return str(path)


def _frames(n=4, h=120, w=160):
    return np.full((n, h, w), 128, np.uint8)


def bad_clips(tmp):
    (tmp / "text.npz").write_text("hello, not a zip")
    (tmp / "dir.npz").mkdir()
    trunc = tmp / "trunc.npz"
    _save(trunc, frames=_frames(), fps=15.0)
    trunc.write_bytes(trunc.read_bytes()[:200])
    return {
        "missing file": (str(tmp / "nope.npz"), "no such file"),
        "directory": (str(tmp / "dir.npz"), "directory"),
        "not an npz": (str(tmp / "text.npz"), "not an .npz"),
        "truncated": (str(trunc), "truncated"),
        "missing frames": (_save(tmp / "a.npz", fps=15.0), "missing frames"),
        "missing fps": (_save(tmp / "b.npz", frames=_frames()), "missing fps"),
        "float frames": (_save(tmp / "c.npz", frames=_frames().astype(np.float32), fps=15.0), "float32"),
        "colour frames": (_save(tmp / "d.npz", frames=np.zeros((3, 20, 40, 3), np.uint8), fps=15.0), "shape"),
        "zero frames": (
            _save(tmp / "e.npz", frames=np.zeros((0, 120, 160), np.uint8), fps=15.0),
            "zero frames",
        ),
        "tiny frames": (_save(tmp / "f.npz", frames=np.zeros((3, 4, 4), np.uint8), fps=15.0), "outside"),
        "zero fps": (_save(tmp / "g.npz", frames=_frames(), fps=0.0), "fps"),
        "absurd fps": (_save(tmp / "h.npz", frames=_frames(), fps=5000.0), "fps"),
        "nan fps": (_save(tmp / "i.npz", frames=_frames(), fps=float("nan")), "fps"),
        "fps array": (_save(tmp / "j.npz", frames=_frames(), fps=np.array([15.0, 30.0])), "fps"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "directory",
        "not an npz",
        "truncated",
        "missing frames",
        "missing fps",
        "float frames",
        "colour frames",
        "zero frames",
        "tiny frames",
        "zero fps",
        "absurd fps",
        "nan fps",
        "fps array",
    ],
)
def test_replay_bad_input_is_one_line_exit_2(tmp_path, capsys, case):
    path, words = bad_clips(tmp_path)[case]
    code = main(["replay", path])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert path in lines[0] and words in lines[0]
    assert "Traceback" not in err


def test_replay_bad_input_through_the_console_has_no_traceback(tmp_path):
    (tmp_path / "x.npz").write_text("nope")
    r = run_cli("replay", str(tmp_path / "x.npz"))
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1 and "x.npz" in r.stderr and "Traceback" not in r.stderr


def test_replay_json_shape_on_an_empty_scene(tmp_path, capsys):
    rng = np.random.default_rng(1)
    frames = np.clip(rng.normal(120, 2, (30, 120, 160)), 0, 255).astype(np.uint8)
    path = _save(tmp_path / "empty.npz", frames=frames, fps=15.0)
    assert main(["replay", path, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"fps", "frames", "reps", "rep_frames", "rep_details", "ms_per_frame"}
    assert out["fps"] == 15.0
    assert len(out["frames"]) == 30
    assert all(f == {"present": False, "hip_angle": None} for f in out["frames"])
    assert out["reps"] == 0 and out["rep_frames"] == [] and out["rep_details"] == []
    assert out["ms_per_frame"] > 0
