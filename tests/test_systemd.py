"""The systemd unit: required lines, `systemd-analyze verify`, and the security exposure score."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parents[1] / "systemd" / "crux-kiosk.service"
ANALYZE = shutil.which("systemd-analyze")


def sections(text):
    out, cur = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            cur = line.strip("[]")
            out[cur] = []
        else:
            k, _, v = line.partition("=")
            out[cur].append((k, v))
    return out


def test_unit_has_what_the_kiosk_needs():
    s = sections(UNIT.read_text())
    svc, unit = dict(s["Service"]), dict(s["Unit"])
    assert svc["Type"] == "notify" and svc["WatchdogSec"] == "10" and svc["Restart"] == "on-failure"
    assert (
        "StartLimitIntervalSec" in unit and "StartLimitBurst" in unit
    )  # in [Unit], where systemd reads them
    assert svc["ExecStart"].startswith("/opt/crux-kiosk/venv/bin/kiosk run --fullscreen --camera pi")
    assert svc["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert svc["User"] == "crux-kiosk" and set(svc["SupplementaryGroups"].split()) == {
        "video",
        "render",
        "input",
        "gpio",
        "crux-content",  # reads the staff content directory
    }
    assert "--content /etc/crux-kiosk/content " in svc["ExecStart"]
    # the kiosk's sandbox cannot write the staff content (ConfigurationDirectory= alone would let it)
    assert svc["ReadOnlyPaths"].lstrip("-") == "/etc/crux-kiosk/content"
    envs = [v for k, v in s["Service"] if k == "Environment"]
    assert "SDL_VIDEODRIVER=kmsdrm" in envs
    assert svc["DevicePolicy"] == "closed" and svc["WorkingDirectory"] == "/run/crux-kiosk"
    allowed = " ".join(v for k, v in s["Service"] if k == "DeviceAllow")
    for dev in ("char-drm", "char-video4linux", "char-gpiochip", "dma_heap"):
        assert dev in allowed


def _runnable_copy(tmp_path):
    # this machine has no /opt/crux-kiosk: point ExecStart at a binary that exists, change nothing else
    unit = tmp_path / "crux-kiosk.service"
    unit.write_text(UNIT.read_text().replace("/opt/crux-kiosk/venv/bin/kiosk", "/usr/bin/true"))
    return unit


@pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed here")
def test_systemd_analyze_verify_is_clean(tmp_path):
    r = subprocess.run(
        [ANALYZE, "verify", str(_runnable_copy(tmp_path))], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == "", r.stderr


@pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed here")
def test_security_exposure_is_at_most_3(tmp_path):
    r = subprocess.run(
        [ANALYZE, "security", "--offline=yes", str(_runnable_copy(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", r.stdout)
    assert m, r.stdout[-500:] + r.stderr
    assert float(m.group(1)) <= 3.0


SCRIPTS = sorted((UNIT.parents[1] / "deploy").glob("*.sh"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_deploy_scripts_parse_and_pass_shellcheck(script):
    assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in text
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed here")
    r = subprocess.run(["shellcheck", str(script)], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout


def test_install_never_pip_installs_picamera2_and_pins_numpy():
    text = (UNIT.parents[1] / "deploy" / "install.sh").read_text()
    assert "--system-site-packages" in text and "python3-picamera2" in text
    assert "numpy==$SYS_NUMPY" in text and "--constraint" in text
    assert "pip install" not in text.split("python3-picamera2")[0]  # apt first
    assert '[ -f "$ETC/content/content.toml" ] ||' in text  # staff edits are never overwritten
