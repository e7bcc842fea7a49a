"""Run OpenSim work in a fresh child process (the parent may have casadi loaded).

A spawned interpreter (``python -m sim.osim.worker``) does the work and returns picklable
results. ``LD_LIBRARY_PATH`` changes made by ``import opensim`` stay in the child.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


class OpenSimTaskError(RuntimeError):
    """An OpenSim task failed in the child process (message and child traceback attached)."""


def run_opensim(task: str, timeout: float | None = 1800, **kwargs: Any) -> Any:
    """Run ``sim.osim.tasks.<task>(**kwargs)`` in a child process and return its value."""
    with tempfile.TemporaryDirectory(prefix="stridesim-osim-") as tmp:
        request, result = Path(tmp) / "request.pkl", Path(tmp) / "result.pkl"
        request.write_bytes(pickle.dumps({"task": task, "kwargs": kwargs}))
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        proc = subprocess.run([sys.executable, "-m", "sim.osim.worker", str(request), str(result)],
                              env=env, capture_output=True, text=True, timeout=timeout, check=False)
        if not result.exists():
            raise OpenSimTaskError(
                f"OpenSim task '{task}' crashed (exit code {proc.returncode}).\n"
                f"stderr:\n{proc.stderr[-4000:]}")
        outcome = pickle.loads(result.read_bytes())
        outcome["log"] = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
    if not outcome["ok"]:
        raise OpenSimTaskError(f"OpenSim task '{task}' failed: {outcome['error']}\n"
                               f"OpenSim log (last lines):\n{outcome.get('log', '')}\n{outcome['traceback']}")
    return outcome["value"]
