import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "kiosk" / "core"
FORBIDDEN = {"pygame", "picamera2", "gpiozero"}


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: p.name)
def test_core_module_imports_no_hardware_or_ui_library(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & FORBIDDEN, f"{path.name} imports {imported & FORBIDDEN}"


def test_core_files_exist():
    names = {p.name for p in CORE.glob("*.py")}
    assert {"vision.py", "reps.py", "pipeline.py"} <= names
