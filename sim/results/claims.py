"""The quantities the study's claims are measured by, from one full stride (right leg; SI inside,
degrees and body weights in the names that say so).

Posture at push-off is read at the right toe-off node; foot placement at right initial contact
(node 0 of a full stride). Each quantity's definition, and why it is the claim's, is in
:mod:`sim.apps.claims` and docs/study.md.
"""

from __future__ import annotations

import numpy as np

from sim.model.geometry import FLOAT_OPS, body_mass_centres, body_poses, default_pose
from sim.model.spec import ModelSpec
from sim.results.analysis import PLANTAR_FLEXORS
from sim.results.loads import lumbar_loads
from sim.results.metrics import right_toe_off_node
from sim.stride.trajectory import Trajectory

#: the muscles whose tendons form the Achilles tendon
ACHILLES = ("soleus_r", "gastroc_r")


def centre_of_mass(spec: ModelSpec, fs: Trajectory, nodes: slice = slice(None)) -> np.ndarray:
    """Nodes x 2: the whole body's centre of mass (m; ground x forward, y up) at ``nodes``."""
    mass = np.array([spec.body_mass(b.name) for b in spec.bodies_expanded()])
    return np.array([mass @ np.array(body_mass_centres(spec, dict(zip(fs.coordinates, q, strict=True)))) / mass.sum()
                     for q in fs.q[nodes]])


def leg_length(spec: ModelSpec, side: str = "r") -> float:
    """Hip joint centre to the floor standing upright, all joint angles zero (m): the leg length
    the foot's placement is expressed in."""
    poses = body_poses(spec, default_pose(spec))  # standing on the floor at y = 0
    hip = next(j for j in spec.joints_expanded() if j.child == f"femur_{side}")
    return float(poses[hip.parent].point(hip.location_in_parent, FLOAT_OPS)[1])


#: the first node of the right foot's swing: where the study reads posture at push-off, as the
#: metrics read hip extension at toe-off
toe_off_node = right_toe_off_node


def stride_length(fs: Trajectory) -> float:
    """Distance the pelvis travels over one gait cycle (m); at the problem's fixed average speed
    it equals speed x stride time."""
    x = fs.column("pelvis_tx")
    return float(x[-1] - x[0])


def foot_placement(spec: ModelSpec, fs: Trajectory) -> dict[str, float]:
    """How far ahead of the centre of mass the right foot lands: the centre of pressure at initial
    contact (node 0) minus the centre of mass, horizontally (m and in leg lengths)."""
    ahead = float(fs.cop["r"][0, 0] - centre_of_mass(spec, fs, slice(0, 1))[0, 0])
    return {"foot_ahead_of_com_at_touchdown_m": ahead,
            "foot_ahead_of_com_at_touchdown_leg_lengths": ahead / leg_length(spec)}


def claim_quantities(spec: ModelSpec, fs: Trajectory, metrics: dict, analysis: dict) -> dict[str, float]:
    """Every claim's quantity for one full stride: ``metrics`` from
    :func:`sim.results.metrics.compute_metrics` and ``analysis`` from :func:`sim.results.analysis.analyze`
    of the same stride."""
    deg = np.degrees
    bw = fs.body_weight
    off = toe_off_node(fs)
    tilt, lumbar = fs.column("pelvis_tilt"), fs.column("lumbar_extension")
    work, ratios = analysis["work"], analysis["ratios"]
    index = {m: fs.muscles.index(m) for m in (*ACHILLES, "hamstrings_r")}
    out = {
        "plantar_flexor_share_of_propulsion": ratios["plantar_flexor_share_of_propulsion"],
        "ankle_share_of_stance_positive_work": work["joints"]["ankle"]["stance_positive_work_share"],
        "achilles_force_peak_bw": float(sum(fs.muscle_force[:, index[m]] for m in ACHILLES).max() / bw),
        "plantar_flexor_positive_work_J_per_kg": float(sum(work["muscles"][m]["positive_work_J_per_kg"]
                                                           for m in PLANTAR_FLEXORS)),
        "hip_extension_at_toe_off_deg": metrics["hip_extension_at_toe_off_deg"],
        "thigh_extension_at_toe_off_deg": metrics["thigh_extension_at_toe_off_deg"],
        "stride_length_m": stride_length(fs),
        "cadence_steps_per_min": metrics["cadence_steps_per_min"],
        # OpenSim's pelvis_tilt is negative when the pelvis tips forward: anterior tilt is -tilt
        "anterior_pelvic_tilt_at_toe_off_deg": float(-deg(tilt[off])),
        "anterior_pelvic_tilt_mean_deg": -metrics["pelvic_tilt_mean_deg"],
        "lumbar_extension_at_toe_off_deg": float(deg(lumbar[off])),
        "lumbar_extension_mean_deg": metrics["lumbar_extension_mean_deg"],
        "trunk_forward_lean_mean_deg": metrics["trunk_forward_lean_mean_deg"],
        **foot_placement(spec, fs),
        "hamstrings_share_of_hip_extension_work": ratios["hamstrings_share_of_hip_extension_work"],
        "hamstring_force_peak_bw": float(fs.muscle_force[:, index["hamstrings_r"]].max() / bw),
        # not a claim: the stride family's marker (a folded or a shallow swing; sim.apps.study)
        "peak_swing_knee_flexion_deg": metrics["peak_swing_knee_flexion_deg"],
    }
    lumbar_load = lumbar_loads(spec, fs)
    out["l5s1_compression_peak_bw"] = float(lumbar_load["compression"].max() / bw)
    out["l5s1_anterior_shear_peak_bw"] = float(lumbar_load["anterior_shear"].max() / bw)
    if fs.fiber_length_norm is not None:
        out["hamstring_fiber_strain_peak"] = float(fs.fiber_length_norm[:, index["hamstrings_r"]].max() - 1.0)
    return out
