"""The opensim/casadi process boundary: a clear stridesim error, never an undefined symbol."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("first,second", [("casadi", "opensim"), ("opensim", "casadi")])
def test_second_library_is_refused_with_a_clear_error(first, second):
    proc = _run(f"import sim, {first}\ntry:\n    import {second}\nexcept sim.ProcessBoundaryError as e:\n"
                f"    print('REFUSED:', e)\n    raise SystemExit(3)\n")
    assert proc.returncode == 3, proc.stderr
    assert f"cannot import '{second}'" in proc.stdout
    assert "undefined symbol" not in proc.stdout + proc.stderr


def test_opensim_side_package_refuses_a_casadi_process():
    proc = _run("import sim.cas.model\nimport sim.osim.build")
    assert proc.returncode != 0
    assert "ProcessBoundaryError" in proc.stderr and "cannot import 'opensim'" in proc.stderr


def test_opensim_work_runs_in_a_child_while_casadi_is_loaded():
    import casadi  # noqa: F401  (the parent has casadi)

    from sim.osim.bridge import run_opensim

    assert run_opensim("version").startswith("4.")
    assert "opensim" not in sys.modules
