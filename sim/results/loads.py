"""Tissue loads of a stride: joint reaction forces (L5/S1, hips), knee extensor moment, hamstring
force and fibre strain (docs/clinic.md, 'Loads').

A joint's reaction is what its parent body exerts on the child through the joint, as OpenSim's
JointReaction analysis reports it: Newton's second law for the whole subtree below the joint,

    F_joint = sum_b m_b (a_b - g) - GRF (feet in the subtree) - muscle forces entering the subtree,

where a muscle whose path crosses the subtree's boundary pulls along its path segment at the
crossing and muscles inside the subtree cancel out. Moments (passive joint moments, reserves)
add no force. Accelerations of the centres of mass come from the coordinates, their rates and
accelerations (no numerical differentiation over the stride).
"""

from __future__ import annotations

import numpy as np

from sim.model.geometry import FLOAT_OPS, body_mass_centres, body_poses
from sim.model.spec import ModelSpec
from sim.stride.trajectory import Trajectory

#: time step (s) of the local Taylor path q + qd t + qdd t^2 / 2 that gives body accelerations
_STEP = 1e-4


def subtree(spec: ModelSpec, joint_name: str) -> set[str]:
    """The bodies distal to ``joint_name`` (its child and everything hanging on it)."""
    joints = spec.joints_expanded()
    child = next(j.child for j in joints if j.name == joint_name)
    bodies, grown = {child}, True
    while grown:
        new = {j.child for j in joints if j.parent in bodies} - bodies
        grown = bool(new)
        bodies |= new
    return bodies


def joint_reactions(spec: ModelSpec, fs: Trajectory, joint_names: list[str]) -> dict[str, np.ndarray]:
    """Nodes x 2 per joint: force (N, ground x forward, y up) the parent exerts on the child.

    One pass over the nodes serves every joint: the bodies' accelerations and the muscles' path
    points are computed once per node, then summed over each joint's subtree.
    """
    bodies = spec.bodies_expanded()
    mass = np.array([spec.body_mass(b.name) for b in bodies])
    gravity = np.array([0.0, spec.gravity])
    below = {j: subtree(spec, j) for j in joint_names}
    in_subtree = {j: np.array([b.name in below[j] for b in bodies]) for j in joint_names}
    feet = {j: [s for s in ("r", "l") if f"calcn_{s}" in below[j]] for j in joint_names}
    muscles = spec.muscles_expanded()
    index = [fs.muscles.index(m.name) for m in muscles]
    out = {j: np.zeros((fs.n_nodes, 2)) for j in joint_names}

    def centres(q: np.ndarray) -> np.ndarray:
        return np.array(body_mass_centres(spec, dict(zip(fs.coordinates, q, strict=True))))

    for k in range(fs.n_nodes):
        q, qd, qdd = fs.q[k], fs.qd[k], fs.qdd[k]
        ahead, here, behind = (centres(q + qd * t + 0.5 * qdd * t * t) for t in (_STEP, 0.0, -_STEP))
        inertial = mass[:, None] * ((ahead - 2.0 * here + behind) / _STEP ** 2 - gravity)
        poses = body_poses(spec, dict(zip(fs.coordinates, q, strict=True)))
        paths = [[(p.body, np.array(poses[p.body].point(p.location, FLOAT_OPS))) for p in m.path] for m in muscles]
        for j in joint_names:
            force = inertial[in_subtree[j]].sum(axis=0)
            for side in feet[j]:
                force -= fs.grf[side][k, :2]
            for path, column in zip(paths, index, strict=True):
                for (body_a, a), (body_b, b) in zip(path[:-1], path[1:], strict=True):
                    inside_a = body_a in below[j]
                    if inside_a != (body_b in below[j]):  # the segment crosses the boundary: it pulls the inner end out
                        inner, outer = (a, b) if inside_a else (b, a)
                        # the path runs in 3D (lateral offsets): the sagittal components of its 3D direction
                        force -= fs.muscle_force[k, column] * ((outer - inner) / np.linalg.norm(outer - inner))[:2]
            out[j][k] = force
    return out


def joint_reaction(spec: ModelSpec, fs: Trajectory, joint_name: str) -> np.ndarray:
    """Nodes x 2: force (N, ground x forward, y up) the parent exerts on the child at ``joint_name``."""
    return joint_reactions(spec, fs, [joint_name])[joint_name]


def _joint_of(spec: ModelSpec, child: str) -> str:
    return next(j.name for j in spec.joints_expanded() if j.child == child)


def lumbar_loads(spec: ModelSpec, fs: Trajectory) -> dict[str, np.ndarray]:
    """L5/S1 (the model's lumbar joint) compression and anterior shear (N) in the torso's frame.

    Compression: the force along the torso's long axis pressing the trunk onto the pelvis.
    Anterior shear: the forward component (torso frame) of the force the trunk exerts on the
    pelvis, the load that would slide L5 forward over S1.
    """
    return _in_trunk_frame(spec, fs, joint_reaction(spec, fs, _joint_of(spec, "torso")))


def _in_trunk_frame(spec: ModelSpec, fs: Trajectory, on_torso: np.ndarray) -> dict[str, np.ndarray]:
    angle = np.array([body_poses(spec, dict(zip(fs.coordinates, q, strict=True)))["torso"].angle for q in fs.q])
    axis_up = np.column_stack([-np.sin(angle), np.cos(angle)])
    axis_forward = np.column_stack([np.cos(angle), np.sin(angle)])
    return {"compression": (on_torso * axis_up).sum(axis=1), "anterior_shear": -(on_torso * axis_forward).sum(axis=1)}


def clinical_loads(spec: ModelSpec, fs: Trajectory, knee_moment: dict[str, np.ndarray]) -> dict[str, float]:
    """Peak loads of a full stride, per side where they have one; forces in body weights.

    ``knee_moment``: the net moment about each knee over the stride (N m; + flexion, as the knee
    angle), as :meth:`sim.results.analysis.Analyzer.joint_moments` gives it; only its peak is read.
    """
    bw = fs.body_weight
    joints = {"torso": _joint_of(spec, "torso"), **{side: _joint_of(spec, f"femur_{side}") for side in ("r", "l")}}
    reactions = joint_reactions(spec, fs, list(joints.values()))
    lumbar = _in_trunk_frame(spec, fs, reactions[joints["torso"]])
    out = {"l5s1_compression_peak_bw": float(lumbar["compression"].max() / bw),
           "l5s1_anterior_shear_peak_bw": float(lumbar["anterior_shear"].max() / bw)}
    mass = bw / abs(spec.gravity)
    for side in ("r", "l"):
        out[f"hip_contact_force_peak_{side}_bw"] = float(np.linalg.norm(reactions[joints[side]], axis=1).max() / bw)
        # the knee is extended by a negative knee_angle moment: the peak extensor moment per kg
        out[f"knee_extensor_moment_peak_{side}_nm_per_kg"] = float(-knee_moment[side].min() / mass)
        j = fs.muscles.index(f"hamstrings_{side}")
        out[f"hamstring_force_peak_{side}_bw"] = float(fs.muscle_force[:, j].max() / bw)
        if fs.fiber_length_norm is not None:
            # strain of the fibres beyond their optimal length (Chumanov et al. 2007 report the
            # hamstrings' peak stretch in late swing)
            out[f"hamstring_fiber_strain_peak_{side}"] = float(fs.fiber_length_norm[:, j].max() - 1.0)
    return out
