"""The kiosk as installed: the built wheel, not the checkout, in a fresh venv.

Offline and quick: the wheel is built from a copy of the source with the dev venv's setuptools, the
fresh venv gets only that wheel, and sees the dev venv's dependencies (numpy, pygame-ce, gpiozero,
segno) through a .pth line. Every command runs outside the checkout, so `kiosk` can only come from the
fresh venv's own site-packages.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_for_the_wheel():
    """pyproject lists the packages by hand (kiosk.assets is mapped from the top-level assets/):
    a new subpackage left off the list would be missing from the wheel."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kiosk").rglob("__init__.py")}
    assert listed == found | {"kiosk.assets"}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """(the fresh venv's directory, its environment for subprocesses) with the built wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # a copy: building in the checkout would write build/ where others run tests
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("kiosk", "assets"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run = dict(capture_output=True, text=True, check=False, cwd=tmp, timeout=120)
    r = subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"), str(src)], **run
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    (wheel,) = (tmp / "dist").glob("crux_kiosk-*.whl")
    venv = tmp / "venv"
    r = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], **run)
    assert r.returncode == 0, r.stderr
    py = venv / "bin" / "python"
    r = subprocess.run([*pip, "--python", str(py), "install", "--no-deps", "--no-index", str(wheel)], **run)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    site = Path(
        subprocess.run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], **run
        ).stdout.strip()
    )
    # the dependencies only: a plain path line, so the dev venv's editable-install finder is not run
    (site / "zz_dev_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(
        PYTHONNOUSERSITE="1",
        SDL_VIDEODRIVER="dummy",
        SDL_AUDIODRIVER="dummy",
        GPIOZERO_PIN_FACTORY="mock",
        XDG_DATA_HOME=str(tmp / "data"),
        KIOSK_CONTENT_DIR=str(tmp / "no-live-content"),  # never this machine's /etc/crux-kiosk
    )
    return venv, site, env, tmp


def _kiosk(fresh, *args):
    venv, _site, env, tmp = fresh
    return subprocess.run(
        [str(venv / "bin" / "kiosk"), *args], capture_output=True, text=True, env=env, cwd=tmp, timeout=60
    )


def test_kiosk_comes_from_the_wheel_not_the_checkout(fresh):
    venv, site, env, tmp = fresh
    r = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import kiosk, kiosk.content as c; print(kiosk.__file__, c.ASSETS)",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    module, assets = r.stdout.split()
    assert Path(module).is_relative_to(site) and not Path(module).is_relative_to(ROOT)
    assert Path(assets) == site / "kiosk" / "assets"
    assert (Path(assets) / "content.toml").read_bytes() == (ROOT / "assets" / "content.toml").read_bytes()


def test_content_check_of_the_built_in_content(fresh):
    _venv, site, _env, tmp = fresh
    r = _kiosk(fresh, "content", "check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith(f"{site / 'kiosk' / 'assets' / 'content.toml'} (built-in): OK - version ")
    d = tmp / "content"  # what the installer does: a copy of the built-in content to edit
    d.mkdir(exist_ok=True)
    shutil.copy(site / "kiosk" / "assets" / "content.toml", d / "content.toml")
    r = _kiosk(fresh, "content", "check", str(d))
    assert r.returncode == 0 and r.stdout.startswith(f"{d}: OK - version "), r.stdout + r.stderr


def test_headless_run(fresh):
    _venv, _site, _env, tmp = fresh
    rec = tmp / "rec"
    r = _kiosk(fresh, "run", "--headless", "--seconds", "2", "--record", str(rec))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert f"rep log: {tmp / 'data' / 'crux-kiosk' / 'reps.db'}" in r.stderr
    events = [json.loads(line) for line in (rec / "events.jsonl").read_text().splitlines()]
    assert events[0] == {"t": 0.0, "type": "mode", "mode": "attract", "demo": False}
    assert max(e["t"] for e in events) > 1.5  # it ran the two seconds, drawing the LED bar
    assert (rec / "001-attract-0000.00s.png").stat().st_size > 1000
