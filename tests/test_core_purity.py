"""The pure parts import no pygame, picamera2 or gpiozero - not even through another module.

Each package is imported in a fresh interpreter and sys.modules inspected: an import three modules
deep counts as much as one in the file itself."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("pygame", "picamera2", "gpiozero")
PURE = [
    "kiosk.core",
    *sorted(f"kiosk.core.{p.stem}" for p in (ROOT / "kiosk" / "core").glob("*.py") if p.stem != "__init__"),
    "kiosk.content",
    "kiosk.content.check",
    "kiosk.content.live",
    "kiosk.content.diff",
]


def loaded_by(module: str) -> list[str]:
    """The forbidden top-level packages in sys.modules after importing `module` alone."""
    code = (
        "import importlib, json, sys; importlib.import_module(sys.argv[1]);"
        f" print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(FORBIDDEN)!r}))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, module], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return json.loads(out.stdout)


@pytest.mark.parametrize("module", PURE)
def test_pure_module_loads_no_hardware_or_ui_library(module):
    assert loaded_by(module) == [], f"importing {module} loads {loaded_by(module)}"


def test_the_check_sees_an_import_made_elsewhere():
    # the check itself can fail: kiosk.ui.fit draws, so it loads pygame
    assert loaded_by("kiosk.ui.fit") == ["pygame"]
