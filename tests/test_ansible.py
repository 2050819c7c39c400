"""deploy/ansible/content.yml: syntax, lint, and real runs against fake kiosks on this machine.

The dev extra installs ansible-core, so `make test` runs these; they are skipped where
ansible-playbook is missing. ansible-lint is not a dependency (it pulls in a lot): the lint test runs
where it is installed and is skipped otherwise.

The fake kiosks are inventory hosts with `ansible_connection=local`, each with its own directories
under tmp: KIOSK/live (content_dir), KIOSK/staging and a KIOSK/reloaded marker that the
reload_command touches.  tests/fake_kiosk_bin/kiosk stands in for the kiosk CLI.  To keep the file
fast, the independent playbook runs are started together by one module-scoped fixture.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ANSIBLE_DIR = REPO / "deploy" / "ansible"
PLAYBOOK = ANSIBLE_DIR / "content.yml"
INVENTORY_EXAMPLE = ANSIBLE_DIR / "inventory.example.ini"
FAKE_KIOSK = REPO / "tests" / "fake_kiosk_bin" / "kiosk"

# Prefer the tools installed beside this interpreter (a venv), then PATH.
_SEARCH_PATH = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
ANSIBLE_PLAYBOOK = shutil.which("ansible-playbook", path=_SEARCH_PATH)
ANSIBLE_LINT = shutil.which("ansible-lint", path=_SEARCH_PATH)
if ANSIBLE_PLAYBOOK is None:
    pytest.skip("ansible-playbook is not installed (pip install ansible-core)", allow_module_level=True)

GOOD_TOML = b'[gym]\nname = "Crux Fitness"\nphone = "+44 20 7946 0000"\n'
NEW_TOML = b'[gym]\nname = "Crux Fitness"\nphone = "+44 20 7946 0999"\n'
OLD_TOML = b'[gym]\nname = "Crux Fitness"\nphone = "+44 20 7946 0123"\n'
BAD_TOML = b'[gym]\nname = "Crux Fitness"\nBROKEN\nphone = ""\n'
PROBLEM = "content.toml:3: [gym] phone is empty - staff need a number members can call"
LOGO = bytes(range(256)) * 4
BADGE = b"\x89PNG\r\n\x1a\n badge"
OLD_LOGO = b"\x89PNG\r\n\x1a\n old logo"

RECAP_RE = re.compile(
    r"^(?P<host>\S+)\s*:\s*ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
    r"\s+failed=(?P<failed>\d+)",
    re.MULTILINE,
)


def _ansible_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(
        ANSIBLE_CONFIG=str(ANSIBLE_DIR / "ansible.cfg"),
        ANSIBLE_HOME=str(tmp / "ansible-home"),
        ANSIBLE_LOCAL_TEMP=str(tmp / "ansible-local"),
        ANSIBLE_REMOTE_TEMP=str(tmp / "ansible-remote"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_HOST_KEY_CHECKING="False",
        ANSIBLE_RETRY_FILES_ENABLED="False",
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default",
        ANSIBLE_CALLBACK_RESULT_FORMAT="json",  # one line per result, no wrapping of long messages
        XDG_CACHE_HOME=str(tmp / "cache"),
    )
    return env


@dataclass
class Run:
    rc: int
    out: str

    def recap(self) -> dict[str, dict[str, int]]:
        return {
            m["host"]: {k: int(m[k]) for k in ("ok", "changed", "unreachable", "failed")}
            for m in RECAP_RE.finditer(self.out)
        }

    def report(self, host: str) -> str:
        """The host's line from the "Content report" task."""
        m = re.search(r"TASK \[Content report\].*?\n(.*?)\n\n(?:TASK|PLAY)", self.out, re.DOTALL)
        assert m, self.out
        lines = re.findall(rf'"msg": "({re.escape(host)}: .*)"', m.group(1))
        assert len(lines) == 1, self.out
        return lines[0]


class Proc:
    """A command started in the background, in the repo, with the test's ANSIBLE_* environment."""

    def __init__(self, tmp: Path, *args: str, env: dict[str, str] | None = None):
        self.proc = subprocess.Popen(
            args,
            cwd=REPO,
            env={**_ansible_env(tmp), **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, so that stop() also ends ansible's workers
        )

    def wait(self) -> Run:
        try:
            out, _ = self.proc.communicate(timeout=120)
        finally:
            self.stop()
        return Run(self.proc.returncode, out)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.communicate()


def _playbook(tmp: Path, inventory: Path, *extra: str) -> Proc:
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    return Proc(
        tmp,
        ANSIBLE_PLAYBOOK,
        "-i",
        str(inventory),
        str(PLAYBOOK),
        "-e",
        "ansible_become=false",
        "-e",
        f"ansible_python_interpreter={sys.executable}",
        "-e",
        f"kiosk_bin={FAKE_KIOSK}",
        "-e",
        f"content_owner={user}",
        "-e",
        f"content_group={group}",
        *extra,
    )


def _write(directory: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(data)
    return directory


def _tree(directory: Path) -> dict[str, bytes]:
    if not directory.exists():
        return {}
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


def _kiosk(root: Path, name: str, content_src: Path, live: dict[str, bytes] | None) -> dict[str, str]:
    """A fake kiosk's directories, live content (None: no content directory yet) and host vars."""
    k = root / name
    k.mkdir()
    if live is not None:
        _write(k / "live", live)
    return {
        "ansible_connection": "local",
        "content_src": str(content_src),
        "content_dir": str(k / "live"),
        "staging_dir": str(k / "staging"),
        "reload_command": f"touch {shlex.quote(str(k / 'reloaded'))}",
    }


def _inventory(path: Path, hosts: dict[str, dict[str, str]]) -> Path:
    # JSON is YAML: the yaml inventory plugin reads it, and no quoting of paths is needed.
    path.write_text(json.dumps({"all": {"children": {"kiosks": {"hosts": hosts}}}}, indent=2))
    return path


@dataclass
class Runs:
    root: Path
    syntax: Run
    lint: Run | None
    first: Run
    second: Run
    check: Run
    check_fresh: Run
    after_first: dict[str, dict[str, bytes]]
    reloaded_first: dict[str, bool]
    reloaded_second: bool


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Every ansible run of this file, in two batches of runs that overlap: the first fleet run, with a
    --check run and the syntax check beside it; then the second fleet run, with the other --check run and
    ansible-lint beside it.  (The file takes about as long as two playbook runs.)"""
    root = tmp_path_factory.mktemp("ansible")
    good_src = _write(root / "src-good", {"content.toml": GOOD_TOML, "img/badge.png": BADGE})
    bad_src = _write(root / "src-bad", {"content.toml": BAD_TOML})
    new_src = _write(root / "src-new", {"content.toml": NEW_TOML})
    no_toml = _write(root / "src-no-toml", {"logo.png": LOGO})

    old_good = {"content.toml": OLD_TOML, "old/logo.png": OLD_LOGO}  # old/ is no longer in the content
    old_bad = {"content.toml": OLD_TOML, "logo.png": OLD_LOGO}
    fleet = _inventory(
        root / "fleet.yml",
        {
            "kiosk-good": _kiosk(root, "kiosk-good", good_src, old_good),
            "kiosk-bad": _kiosk(root, "kiosk-bad", bad_src, old_bad),
        },
    )
    # --check, and (cheap: they fail before touching the host) two hosts without a usable content_src
    check = _inventory(
        root / "check.yml",
        {
            "kiosk-check": _kiosk(root, "kiosk-check", new_src, {"content.toml": GOOD_TOML}),
            "kiosk-nosrc": {"ansible_connection": "local"},
            "kiosk-notoml": _kiosk(root, "kiosk-notoml", no_toml, {"content.toml": GOOD_TOML}),
        },
    )
    # --check on a kiosk with no content directory yet
    fresh = _inventory(root / "fresh.yml", {"kiosk-fresh": _kiosk(root, "kiosk-fresh", new_src, None)})

    background = {
        "syntax": Proc(root, ANSIBLE_PLAYBOOK, "--syntax-check", "-i", str(INVENTORY_EXAMPLE), str(PLAYBOOK)),
        "check": _playbook(root, check, "--check"),
    }

    try:
        first = _playbook(root, fleet).wait()
        after_first = {name: _tree(root / name / "live") for name in ("kiosk-good", "kiosk-bad")}
        reloaded_first = {name: (root / name / "reloaded").exists() for name in ("kiosk-good", "kiosk-bad")}
        (root / "kiosk-good" / "reloaded").unlink(missing_ok=True)
        background["check_fresh"] = _playbook(root, fresh, "--check")
        if ANSIBLE_LINT is not None:
            lint_args = ("--offline", "--profile", "production", str(PLAYBOOK.relative_to(REPO)))
            background["lint"] = Proc(root, ANSIBLE_LINT, *lint_args, env={"NO_COLOR": "1"})
        second = _playbook(root, fleet, "--limit", "kiosk-good").wait()
        done = {name: proc.wait() for name, proc in background.items()}
    finally:  # on an error above, leave no ansible process behind
        for proc in background.values():
            proc.stop()
    return Runs(
        root=root,
        syntax=done["syntax"],
        lint=done.get("lint"),
        first=first,
        second=second,
        check=done["check"],
        check_fresh=done["check_fresh"],
        after_first=after_first,
        reloaded_first=reloaded_first,
        reloaded_second=(root / "kiosk-good" / "reloaded").exists(),
    )


def test_syntax_check(runs):
    assert runs.syntax.rc == 0, runs.syntax.out
    assert "WARNING" not in runs.syntax.out  # e.g. "Unable to parse ... as an inventory source"


def test_inventory_example_lists_two_or_three_kiosks():
    section, kiosks = None, []
    for line in INVENTORY_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif line and not line.startswith(("#", ";")) and section == "[kiosks]":
            kiosks.append(line.split()[0])
    assert 2 <= len(kiosks) <= 3, kiosks


@pytest.mark.skipif(ANSIBLE_LINT is None, reason="ansible-lint is not installed")
def test_ansible_lint_production_profile(runs):
    assert runs.lint is not None
    assert runs.lint.rc == 0, runs.lint.out


def test_good_content_is_installed_and_the_kiosk_reloaded(runs):
    src = runs.root / "src-good"
    assert runs.after_first["kiosk-good"] == _tree(src)  # bytes equal, and no leftover old files
    assert not (runs.root / "kiosk-good" / "live" / "old").exists()  # stale subdirectory removed too
    assert runs.reloaded_first["kiosk-good"]
    assert runs.first.report("kiosk-good") == "kiosk-good: content OK, 1 change on screen, reloaded"
    live = runs.root / "kiosk-good" / "live"
    # as deploy/install.sh leaves it: group-writable for staff, setgid so new files keep the group
    assert (live.stat().st_mode & 0o7777) == 0o2775
    assert (live / "img").stat().st_mode & 0o7777 == 0o2775
    assert (live / "content.toml").stat().st_mode & 0o777 == 0o664
    assert (live / "img" / "badge.png").stat().st_mode & 0o777 == 0o664


def test_bad_content_is_rejected_without_stopping_the_other_hosts(runs):
    assert runs.first.rc != 0
    recap = runs.first.recap()
    assert recap["kiosk-bad"]["failed"] == 1
    assert recap["kiosk-good"]["failed"] == 0
    assert runs.after_first["kiosk-bad"] == {"content.toml": OLD_TOML, "logo.png": OLD_LOGO}
    assert not runs.reloaded_first["kiosk-bad"]
    assert PROBLEM in runs.first.out
    assert runs.first.report("kiosk-bad") == f"kiosk-bad: content REJECTED (1 problem): {PROBLEM}"


def test_second_run_changes_nothing_and_does_not_reload(runs):
    recap = runs.second.recap()
    assert recap["kiosk-good"]["changed"] == 0
    assert recap["kiosk-good"]["failed"] == 0
    assert not runs.reloaded_second  # the marker was deleted before the second run
    assert runs.second.report("kiosk-good") == "kiosk-good: content OK, no changes"
    assert _tree(runs.root / "kiosk-good" / "live") == runs.after_first["kiosk-good"]


def test_check_mode_checks_the_new_content_but_changes_nothing(runs):
    assert _tree(runs.root / "kiosk-check" / "live") == {"content.toml": GOOD_TOML}
    assert not (runs.root / "kiosk-fresh" / "live").exists()
    for name, run in (("kiosk-check", runs.check), ("kiosk-fresh", runs.check_fresh)):
        assert run.recap()[name]["failed"] == 0, run.out
        assert not (runs.root / name / "reloaded").exists()
        assert run.report(name) == (
            f"{name}: content OK, 1 change on screen, would install and reload (check mode)"
        )
        # the check ran on the new content, staged even in --check
        assert _tree(runs.root / name / "staging") == _tree(runs.root / "src-new")


def test_unset_or_unusable_content_src_fails_early_with_a_clear_message(runs):
    run = runs.check
    for name in ("kiosk-nosrc", "kiosk-notoml"):
        assert run.recap()[name]["failed"] == 1
        assert not (runs.root / name / "staging").exists()
        fatal = re.search(rf"^fatal: \[{name}\]: FAILED! => (.*)$", run.out, re.MULTILINE)
        assert fatal, run.out
        assert "content_src must be a local directory holding a content.toml" in fatal.group(1)
    assert _tree(runs.root / "kiosk-notoml" / "live") == {"content.toml": GOOD_TOML}


def _tasks(items):
    for task in items:
        yield task
        for key in ("block", "rescue", "always"):
            yield from _tasks(task.get(key, []))


def test_playbook_uses_only_ansible_builtin_and_stages_even_in_check_mode():
    yaml = pytest.importorskip("yaml")
    (play,) = yaml.safe_load(PLAYBOOK.read_text())
    assert play["hosts"] == "kiosks"
    assert "any_errors_fatal" not in play
    tasks = list(_tasks(play["tasks"]))
    modules = {key for task in tasks for key in task if "." in key}
    assert modules and all(m.startswith("ansible.builtin.") for m in modules), modules
    staging = [t for t in tasks if t["name"].endswith(("staging directory", "staged content", "on screen"))]
    assert len(staging) == 5, [t["name"] for t in staging]
    assert all(t.get("check_mode") is False for t in staging)
