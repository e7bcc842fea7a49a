"""Load a run folder back (solution arrays and the model it was solved with)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from sim.results.runfolder import check_run_folder
from sim.spec import ModelSpec


def load_run(run_dir: str | Path):
    """(StrideSolution, ModelSpec) of a run folder."""
    from sim.stride.problem import StrideSolution

    run_dir = check_run_folder(run_dir)
    status = json.loads((run_dir / "status.json").read_text())
    config = json.loads((run_dir / "config.json").read_text())
    spec = ModelSpec.model_validate_json((run_dir / "spec.json").read_text())
    with np.load(run_dir / "solution.npz") as d:
        arrays = {k: d[k] for k in d.files}
    from sim.knobs import validate_knobs

    solution = StrideSolution(
        time=arrays["time"], q=arrays["q"], qd=arrays["qd"], qdd=arrays["qdd"], a=arrays["a"], ft=arrays["ft"],
        da=arrays["da"], dft=arrays["dft"], reserves=arrays["reserves"], muscle_forces=arrays["muscle_forces"],
        grf_r=arrays["grf_r"], grf_l=arrays["grf_l"], speed=float(arrays["speed"]),
        knobs=validate_knobs(spec, config.get("knobs")), symmetric=bool(arrays["symmetric"]),
        cost=status["objective"], cost_terms=status["objective_terms"], status=status["ipopt_status"],
        iterations=status["iterations"], wall_time=status["solve_time_s"], converged=status["converged"],
        body_weight=-spec.mass * spec.gravity)
    return solution, spec
