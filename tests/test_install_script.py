"""deploy/install.sh and uninstall.sh, run for real under CRUX_ROOT with the system commands faked.

The fakes (apt, users and groups, systemctl, setfacl, a venv whose pip and kiosk are stand-ins) log
what they are asked to do and keep users and groups in files, so each test can say what the script
changed: nothing before its checks pass, and nothing half-installed when a step fails. The real wheel
is tested in test_wheel_install.py; the real systemd in `make rehearse`.
"""

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASH = shutil.which("bash")

FAKES = {
    "id": """
        case "$1" in
          -u) echo 0 ;;
          -nG) grep "^$2:" "$FAKE_STATE/members" | cut -d: -f2 | tr '\\n' ' '; echo ;;
          *) grep -qx "$1" "$FAKE_STATE/users" ;;
        esac""",
    "apt-get": 'echo "apt-get $*" >> "$FAKE_STATE/log"',
    "apt-cache": """
        for p in $APT_HAS; do
          if [ "$p" = "$2" ]; then printf '%s:\\n  Installed: (none)\\n  Candidate: 1.0-1\\n' "$2"; exit 0; fi
        done
        printf '%s:\\n  Installed: (none)\\n  Candidate: (none)\\n' "$2\"""",
    "useradd": 'echo "useradd $*" >> "$FAKE_STATE/log"; echo "${!#}" >> "$FAKE_STATE/users"',
    "userdel": 'echo "userdel $*" >> "$FAKE_STATE/log"; sed -i "/^$1\\$/d" "$FAKE_STATE/users"',
    "groupadd": 'echo "groupadd $*" >> "$FAKE_STATE/log"; echo "${!#}" >> "$FAKE_STATE/groups"',
    "groupdel": 'echo "groupdel $*" >> "$FAKE_STATE/log"; sed -i "/^$1\\$/d" "$FAKE_STATE/groups"',
    "getent": 'grep -qx "$2" "$FAKE_STATE/groups"',
    "usermod": 'echo "usermod $*" >> "$FAKE_STATE/log"; echo "$4:$3" >> "$FAKE_STATE/members"',
    "gpasswd": 'echo "gpasswd $*" >> "$FAKE_STATE/log"',
    "chgrp": 'echo "chgrp $*" >> "$FAKE_STATE/log"',
    "chown": 'echo "chown $*" >> "$FAKE_STATE/log"',
    "setfacl": 'echo "setfacl $*" >> "$FAKE_STATE/log"',
    "systemctl": 'echo "systemctl $*" >> "$FAKE_STATE/log"',
    "rsync": 'src=${@: -2:1}; dst=${!#}; mkdir -p "$dst"; cp "$src/pyproject.toml" "$dst/"',  # pip is fake
    # python3 -m venv makes a venv of stand-ins; everything else is the real python3
    "python3": """
        if [ "$1" = -m ] && [ "$2" = venv ]; then
          d=${!#}; mkdir -p "$d/bin"
          cp "$FAKES/venv-pip" "$d/bin/pip"; cp "$FAKES/venv-python" "$d/bin/python"
          echo "venv $*" >> "$FAKE_STATE/log"; exit 0
        fi
        case "$*" in *"import numpy"*) echo 1.24.2; exit 0 ;; esac
        exec "$REAL_PYTHON3" "$@\"""",
    "venv-python": "exit 0",
    "venv-pip": """
        echo "pip $*" >> "$FAKE_STATE/log"
        case "$1" in
          wheel)
            WHEEL=crux_kiosk-0.1.0-py3-none-any.whl
            if [ "$FAIL" = wheel ]; then
              echo "ERROR: Could not find a version that satisfies the requirement setuptools>=64" >&2
              exit 1
            fi
            for a in "$@"; do
              [ "${prev:-}" != --wheel-dir ] || { mkdir -p "$a"; touch "$a/$WHEEL"; }
              prev=$a
            done ;;
          install)
            if [ "$FAIL" = pip ]; then
              echo "ERROR: No matching distribution found for pygame-ce>=2.4" >&2
              exit 1
            fi
            cp "$FAKES/venv-kiosk" "$(dirname "$0")/kiosk" ;;
        esac""",
    "venv-kiosk": """
        echo "kiosk $*" >> "$FAKE_STATE/log"
        case "$1 ${2:-}" in
          "config check") [ "$FAIL" != config ] || { echo "kiosk: bad settings" >&2; exit 2; } ;;
          "config ") echo "# settings" ;;
        esac""",
}


@pytest.fixture
def system(tmp_path):
    fakes, state, root = tmp_path / "bin", tmp_path / "state", tmp_path / "root"
    for d in (fakes, state, root):
        d.mkdir()
    for name, body in FAKES.items():
        f = fakes / name
        f.write_text("#!/usr/bin/env bash\n" + textwrap.dedent(body).strip() + "\n")
        f.chmod(0o755)
    (state / "users").write_text("root\n")
    (state / "groups").write_text("root\nvideo\nrender\ninput\n")  # a plain Debian: no gpio group
    (state / "members").write_text("")
    (state / "log").write_text("")
    env = {
        "PATH": f"{fakes}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        "CRUX_ROOT": str(root),
        "FAKE_STATE": str(state),
        "FAKES": str(fakes),
        "REAL_PYTHON3": shutil.which("python3", path="/usr/bin:/bin") or "/usr/bin/python3",
        "APT_HAS": "python3-picamera2 python3-lgpio",
        "SUDO_USER": "pi",
        "FAIL": "",
    }

    def run(script, *args, **extra):
        r = subprocess.run(
            [BASH, str(ROOT / "deploy" / script), *args],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return r, (state / "log").read_text().splitlines()

    run.root, run.state = root, state
    return run


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_plain_debian_is_said_in_one_line_before_anything_changes(system):
    r, log = system("install.sh", APT_HAS="")
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        "install: apt has no python3-picamera2 (no Raspberry Pi archive: plain Debian?) - add it, or run"
        " again with --no-camera (the kiosk then runs with its camera resting); nothing was changed"
    ]
    assert log == ["apt-get update -qq"] and _files(system.root) == []


def test_no_camera_installs_without_the_pi_archive(system):
    r, log = system("install.sh", "--no-camera", APT_HAS="")
    assert r.returncode == 0, r.stderr
    (apt,) = [line for line in log if line.startswith("apt-get") and " install " in line]
    assert "--no-install-recommends" in apt
    for pkg in ("acl", "rsync", "libgbm1", "libegl1", "libgles2", "libdrm2", "python3-venv"):
        assert f" {pkg}" in apt
    for pkg in ("picamera2", "libcamera", "lgpio", "python3-pip"):
        assert pkg not in apt
    # every group the unit names exists afterwards: the missing ones were made
    assert "groupadd --system gpio" in log and "groupadd --system crux-content" in log
    assert "groupadd --system video" not in log
    groups = set((system.state / "groups").read_text().split())
    unit = (ROOT / "systemd" / "crux-kiosk.service").read_text()
    (supp,) = [
        line.split("=", 1)[1].split() for line in unit.splitlines() if line.startswith("SupplementaryGroups=")
    ]
    assert set(supp) <= groups
    # from a built wheel, not the checkout; built with apt's setuptools, so offline
    assert "python3-setuptools" in apt and "python3-wheel" in apt
    (build,) = [line for line in log if line.startswith("pip wheel")]
    assert "--no-deps --no-build-isolation" in build
    wheel_at = log.index(build)
    installs = [line for line in log[wheel_at:] if line.startswith("pip install")]
    assert installs and all("crux_kiosk-0.1.0-py3-none-any.whl" in line for line in installs)
    assert not any(str(ROOT) in line and line.startswith("pip install") for line in log)
    # the rep log directory: staff read it through an ACL that new files inherit
    state_dir = system.root / "var" / "lib" / "crux-kiosk"
    assert f"setfacl -R -m g:crux-content:rX {state_dir}" in log
    assert f"setfacl -d -m u::rwX,g::---,o::---,g:crux-content:rX {state_dir}" in log
    assert (system.root / "etc" / "crux-kiosk" / "content" / "content.toml").read_text() == (
        ROOT / "assets" / "content.toml"
    ).read_text()
    assert (system.root / "etc" / "systemd" / "system" / "crux-kiosk.service").read_text() == unit
    assert log[-1] == "systemctl restart crux-kiosk.service"


def test_with_the_pi_archive_the_camera_packages_come_from_apt(system):
    r, log = system("install.sh")
    assert r.returncode == 0, r.stderr
    (apt,) = [line for line in log if line.startswith("apt-get") and " install " in line]
    assert "python3-picamera2" in apt and "python3-libcamera" in apt and "python3-lgpio" in apt


@pytest.mark.parametrize(
    ("fail", "step"),
    [
        ("wheel", "building the kiosk's wheel (pip)"),
        ("pip", "installing the kiosk and its dependencies (pip)"),
        ("config", "setting up content, settings and the rep log directory"),
    ],
)
def test_a_failed_step_leaves_nothing_half_installed(system, fail, step):
    r, log = system("install.sh", FAIL=fail)
    assert r.returncode != 0
    assert f"install: FAILED while {step} - see the lines above" in r.stderr
    assert _files(system.root) == []  # no /opt/crux-kiosk, /etc/crux-kiosk, state directory or unit
    assert (system.state / "users").read_text() == "root\n"
    assert (system.state / "groups").read_text().split() == ["root", "video", "render", "input"]
    assert not any(line.startswith("systemctl") for line in log)
    if fail == "config":  # made, then undone
        assert "userdel crux-kiosk" in log and "groupdel crux-content" in log
        assert "gpasswd -d pi crux-content" in log


def test_running_it_again_keeps_staff_edits_and_removes_nothing(system):
    r, _ = system("install.sh")
    assert r.returncode == 0, r.stderr
    content = system.root / "etc" / "crux-kiosk" / "content" / "content.toml"
    content.write_text('[gym]\nphone = "604-555-0100"\n')
    r, _log = system("install.sh", FAIL="pip")  # an update whose pip fails: the old install stays
    assert r.returncode != 0
    assert content.read_text() == '[gym]\nphone = "604-555-0100"\n'
    assert (system.root / "opt" / "crux-kiosk" / "venv" / "bin" / "kiosk").exists()
    assert (system.state / "users").read_text() == "root\ncrux-kiosk\n"


def test_uninstall_purge_removes_textfile_acl_user_and_group(system):
    r, _ = system("install.sh")
    assert r.returncode == 0, r.stderr
    root = system.root
    prom_dir = root / "var" / "lib" / "prometheus" / "node-exporter"
    prom_dir.mkdir(parents=True)
    (prom_dir / "crux_kiosk.prom").write_text("crux_kiosk_camera_up 1\n")
    other = root / "srv" / "metrics"
    other.mkdir(parents=True)
    (other / "kiosk.prom").write_text("crux_kiosk_camera_up 1\n")
    (root / "etc" / "crux-kiosk" / "kiosk.toml").write_text(
        '[metrics]\ntextfile = "/srv/metrics/kiosk.prom"\n'
    )
    r, log = system("uninstall.sh")  # without --purge: the content, settings and rep log stay
    assert r.returncode == 0, r.stderr
    assert (root / "etc" / "crux-kiosk" / "content" / "content.toml").exists()
    assert not (root / "opt" / "crux-kiosk").exists()
    staging = root / "var" / "tmp" / "crux-kiosk-content-staging"  # the Ansible playbook's last push
    staging.mkdir(parents=True)
    (staging / "content.toml").write_text("[gym]\n")
    r, log = system("uninstall.sh", "--purge")
    assert r.returncode == 0, r.stderr
    assert not staging.exists()
    assert not (prom_dir / "crux_kiosk.prom").exists() and not (other / "kiosk.prom").exists()
    assert f"setfacl -x u:crux-kiosk {prom_dir}" in log and f"setfacl -x u:crux-kiosk {other}" in log
    assert log.index(f"setfacl -x u:crux-kiosk {prom_dir}") < log.index("userdel crux-kiosk")
    assert "groupdel crux-content" in log
    assert not (root / "etc" / "crux-kiosk").exists() and not (root / "var" / "lib" / "crux-kiosk").exists()
    assert not (root / "etc" / "systemd" / "system" / "crux-kiosk.service").exists()
    assert "crux-kiosk" not in (system.state / "users").read_text()
