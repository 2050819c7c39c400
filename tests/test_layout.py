"""README's layout section names every package and module of kiosk/ (so it cannot drift from the tree)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_layout_names_every_package_and_module():
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("- Layout") :]
    for pkg in sorted(p.parent for p in (ROOT / "kiosk").glob("*/__init__.py")):
        if pkg.name == "sim":  # the vision engineer's scenes: named as a whole
            assert "kiosk/sim/" in layout
            continue
        assert f"kiosk/{pkg.name}/" in layout, pkg.name
        for mod in sorted(pkg.glob("*.py")):
            if mod.stem != "__init__":
                assert mod.stem in layout, f"kiosk/{pkg.name}/{mod.name} is not in README's layout"
    for mod in sorted((ROOT / "kiosk").glob("*.py")):
        if mod.stem not in ("__init__", "__main__"):
            assert f"kiosk/{mod.name}" in layout, mod.name
