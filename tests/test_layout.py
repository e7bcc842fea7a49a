"""The package's house rules: imports run one way (docs/layout.md) and every module stays readable."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"
#: packages from the bottom up; a module may import its own layer and the layers below it
LAYERS = [("io",), ("model",), ("data",), ("cas", "osim"), ("calibration",), ("stride",), ("results",), ("run",),
          ("sweep",), ("figures",), ("apps",), ("web",), ("cli",)]
LAYER = {name: level for level, names in enumerate(LAYERS) for name in names}
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for p in SIM.rglob("*.py") if p.parent != SIM)


def _package(path: Path) -> str:
    return path.relative_to(SIM).parts[0]


def _imported_packages(path: Path) -> set[str]:
    """Every sim subpackage the module imports, at the top or inside functions."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names] if node.module == "sim" else \
                [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "sim" and len(parts) > 1 and parts[1] in LAYER:
                out.add(parts[1])
    return out


def test_every_package_has_a_layer():
    packages = {p.name for p in SIM.iterdir() if (p / "__init__.py").exists()}
    assert packages - {"models"} == set(LAYER)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SIM)))
def test_imports_run_downward(path):
    own = LAYER[_package(path)]
    upward = {pkg for pkg in _imported_packages(path) if LAYER[pkg] > own}
    assert not upward, f"{path.relative_to(SIM)} (layer {_package(path)}) imports from above: {sorted(upward)}"


def test_no_module_is_longer_than_a_sitting():
    long = {str(p.relative_to(SIM)): n for p in SIM.rglob("*.py") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, long
