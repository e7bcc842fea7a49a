"""Dynamic consistency of a result, judged by OpenSim (child process).

Two figures: (1) OpenSim's InverseDynamicsSolver at the collocation nodes (states and
accelerations of the solution, contact spheres and passive moments on): the pelvis rows are
what the solution leaves unexplained; (2) OpenSim's InverseDynamicsTool on the written
kinematics.mot and grf.mot (the file workflow: spline-differentiated coordinates, GRF as
external loads), which adds the error of re-differentiating the sampled motion.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.osim.bridge import run_opensim
from sim.results.runfolder import EXTERNAL_LOADS, KINEMATICS, MODEL

PELVIS = ("pelvis_tx", "pelvis_ty", "pelvis_tilt")


def pelvis_residuals(run_dir: str | Path, trajectory, body_weight: float, height: float) -> dict:
    """Max and RMS pelvis residuals, as fractions of body weight (forces) and BW x height (moment)."""
    from sim.model.spec import COORDINATES

    run_dir = Path(run_dir).resolve()
    nodes = run_opensim("node_residuals", model_path=str(run_dir / MODEL),
                        q=trajectory.q, qd=trajectory.qd, qdd=trajectory.qdd)
    idx = [COORDINATES.index(c) for c in PELVIS]
    scale = np.array([body_weight, body_weight, body_weight * height])
    node = np.abs(nodes[:, idx]) / scale
    tool = run_opensim("inverse_dynamics_residuals", model_path=str(run_dir / MODEL),
                       kinematics=str(run_dir / KINEMATICS), external_loads=str(run_dir / EXTERNAL_LOADS),
                       out_dir=str(run_dir))
    labels = ("pelvis_tx_force", "pelvis_ty_force", "pelvis_tilt_moment")
    files = np.column_stack([np.abs(tool[k]) for k in labels]) / scale
    return {
        "units": "forces / body weight; moment / (body weight x height)",
        "collocation_nodes": {"max": dict(zip(PELVIS, node.max(axis=0).tolist(), strict=True)),
                              "rms": dict(zip(PELVIS, np.sqrt((node ** 2).mean(axis=0)).tolist(), strict=True))},
        "inverse_dynamics_tool_on_files": {
            "max": dict(zip(PELVIS, files.max(axis=0).tolist(), strict=True)),
            "rms": dict(zip(PELVIS, np.sqrt((files ** 2).mean(axis=0)).tolist(), strict=True))},
    }
