"""Compare the CasADi rendering with OpenSim (the reference) on random physiological states.

The OpenSim side runs in a child process; this module (parent side) samples the states,
evaluates the CasADi functions and reports the largest differences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.model.geometry import FLOAT_OPS, body_poses, muscle_lengths
from sim.model.spec import COORDINATES, ModelSpec
from sim.osim.bridge import run_opensim

#: sampling ranges (rad, m) for random states: the physiological range of running and more
STATE_RANGES = {
    "pelvis_tilt": (-0.5, 0.3), "pelvis_tx": (-1.0, 1.0), "lumbar_extension": (-0.5, 0.4),
    "hip_flexion": (-0.6, 1.6), "knee_angle": (0.0, 2.1), "ankle_angle": (-0.7, 0.5),
}


def sample_states(spec: ModelSpec, n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``n`` random states plus the default pose (first row); feet placed near the floor."""
    rng = np.random.default_rng(seed)
    q = np.zeros((n + 1, len(COORDINATES)))
    for i, name in enumerate(COORDINATES):
        key = name[:-2] if name.endswith(("_r", "_l")) else name
        if key in STATE_RANGES:
            lo, hi = STATE_RANGES[key]
            q[1:, i] = rng.uniform(lo, hi, n)
    spheres = spec.contact_spheres_expanded()
    iy = COORDINATES.index("pelvis_ty")
    for k in range(n + 1):
        poses = body_poses(spec, dict(zip(COORDINATES, q[k], strict=False)))
        lowest = min(poses[s.body].point(s.location, FLOAT_OPS)[1] - s.radius for s in spheres)
        # indentation of the lowest sphere between -1 cm (airborne) and +2 cm
        q[k, iy] = -lowest - (0.0 if k == 0 else rng.uniform(-0.01, 0.02))
    qd = np.vstack([np.zeros(len(COORDINATES)), rng.normal(0.0, 2.0, (n, len(COORDINATES)))])
    qdd = np.vstack([np.zeros(len(COORDINATES)), rng.normal(0.0, 20.0, (n, len(COORDINATES)))])
    muscles = spec.muscles_expanded()
    activation = rng.uniform(0.01, 1.0, (n + 1, len(muscles)))
    tendon_force = np.full((n + 1, len(muscles)), 0.1)
    # compliant tendons: pick a physiological normalized fibre length (0.6-1.4), derive the
    # tendon force that puts the fibre there, then the activation for which the fibre
    # velocity OpenSim infers is physiological (force-velocity multiplier 0.2-1.6)
    for k in range(n + 1):
        lengths = muscle_lengths(spec, dict(zip(COORDINATES, q[k], strict=False)))
        for j, m in enumerate(muscles):
            if m.compliant_tendon:
                activation[k, j], tendon_force[k, j] = _compliant_state(m, lengths[m.name], rng)
    return {"q": q, "qd": qd, "qdd": qdd, "activation": activation, "tendon_force": tendon_force}


def _compliant_state(muscle, mtu_length: float, rng) -> tuple[float, float]:
    """(activation, normalized tendon force) giving a physiological fibre state."""
    from sim.cas import muscles as dgf

    lopt, width = muscle.optimal_fiber_length, muscle.optimal_fiber_length * math.sin(muscle.pennation_angle)
    for _ in range(200):
        fibre = rng.uniform(0.6, 1.4) * lopt
        along = math.sqrt(fibre ** 2 - width ** 2)
        tendon_norm = (mtu_length - along) / muscle.tendon_slack_length
        force = float(dgf.tendon_force_length(tendon_norm, muscle.tendon_strain_at_one_norm_force))
        if not 0.02 <= force <= 1.5:
            continue
        cos_pennation = along / fibre
        fl = float(dgf.active_force_length(fibre / lopt))
        fp = float(dgf.passive_force_length(fibre / lopt, muscle.passive_fiber_strain_at_one_norm_force))
        activation = (force / cos_pennation - fp) / (fl * rng.uniform(0.2, 1.6))
        if 0.02 <= activation <= 1.0:
            return activation, force
    return 0.05, 0.01  # slack tendon in this pose: nearly unloaded state (excluded from the check)


@dataclass
class Agreement:
    """Largest differences between the CasADi and OpenSim renderings."""

    n_states: int
    inverse_dynamics_abs: float  # N m or N, skeleton only
    inverse_dynamics_rel: float
    passive_contact_id_abs: float
    muscle_length_abs: float  # m
    muscle_velocity_abs: float  # m/s
    moment_arm_abs: float  # m
    muscle_force_rel: float  # of max isometric force
    equilibrium_residual: float  # compliant tendons at OpenSim's d(ft)/dt
    equilibrium_checked: int  # compliant muscle-states in the physiological fibre range
    sphere_force_rel: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _relative(a: np.ndarray, b: np.ndarray, floor: float) -> float:
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), floor)))


def compare(spec: ModelSpec, n_states: int = 200, seed: int = 0, knobs: dict | None = None) -> tuple[Agreement, dict]:
    """Evaluate both renderings on the same states; return the agreement and raw arrays."""
    from sim.cas.model import CasadiModel  # casadi only in this (parent) process
    from sim.model.knobs import apply_knobs, validate_knobs

    knob_values = validate_knobs(spec, knobs)
    states = sample_states(spec, n_states, seed)
    reference = run_opensim("evaluate_states", spec=apply_knobs(spec, knob_values).model_dump(), **states)
    model = CasadiModel(spec)
    assert reference["muscle_names"] == model.muscle_names
    knob_vector = model.knob_vector(knob_values)
    n = states["q"].shape[0]
    mine = {k: [] for k in ("skeleton_id", "passive_contact_id", "lmt", "vmt", "moment_arms",
                            "tendon_force", "residual", "sphere_force")}
    for k in range(n):
        q, qd, qdd = states["q"][k], states["qd"][k], states["qdd"][k]
        mine["skeleton_id"].append(np.array(model.skeleton_inverse_dynamics(q, qd, qdd)).ravel())
        forces, _, generalized = model.contact(q, qd)
        mine["passive_contact_id"].append(
            mine["skeleton_id"][-1] - np.array(model.passive_moments(q, qd)).ravel()
            - np.array(generalized).ravel())
        mine["sphere_force"].append(np.array(forces).T)
        lmt, vmt, arms = (np.array(x) for x in model.muscle_geometry(q, qd))
        mine["lmt"].append(lmt.ravel())
        mine["vmt"].append(vmt.ravel())
        mine["moment_arms"].append(arms)
        out = model.muscle_tendon(lmt, vmt, states["activation"][k], states["tendon_force"][k],
                                  reference["dft"][k], knob_vector)
        mine["tendon_force"].append(np.array(out[0]).ravel())
        mine["residual"].append(np.array(out[1]).ravel())
    mine = {key: np.asarray(v) for key, v in mine.items()}
    sphere_order = [f"contact_{s.name}" for s in model.spheres]
    assert reference["sphere_names"] == sphere_order
    fmax = np.array([m.max_isometric_force for m in apply_knobs(spec, knob_values).muscles_expanded()])
    weight = spec.mass * abs(spec.gravity)
    compliant = np.array(model.compliant)
    physiological = (compliant[None, :] & (reference["norm_fiber_length"] > 0.5)
                     & (reference["norm_fiber_length"] < 1.6)
                     & (np.abs(reference["norm_fiber_velocity"]) <= 1.0))
    agreement = Agreement(
        n_states=n,
        inverse_dynamics_abs=float(np.max(np.abs(mine["skeleton_id"] - reference["skeleton_id"]))),
        inverse_dynamics_rel=_relative(mine["skeleton_id"], reference["skeleton_id"], 1.0),
        passive_contact_id_abs=float(np.max(np.abs(mine["passive_contact_id"] - reference["passive_contact_id"]))),
        muscle_length_abs=float(np.max(np.abs(mine["lmt"] - reference["lmt"]))),
        muscle_velocity_abs=float(np.max(np.abs(mine["vmt"] - reference["vmt"]))),
        moment_arm_abs=float(np.max(np.abs(mine["moment_arms"] - reference["moment_arms"]))),
        muscle_force_rel=float(np.max(np.abs(mine["tendon_force"] - reference["tendon_force"]) / fmax)),
        equilibrium_residual=float(np.max(np.abs(mine["residual"][physiological]))),
        equilibrium_checked=int(np.count_nonzero(physiological)),
        sphere_force_rel=_relative(mine["sphere_force"][..., :2], reference["sphere_force"][..., :2],
                                   1e-3 * weight),
    )
    return agreement, {"casadi": mine, "opensim": reference, "states": states}


def describe(agreement: Agreement) -> str:
    a = agreement
    return "\n".join([
        f"states compared: {a.n_states} (random + default pose)",
        f"inverse dynamics (skeleton): max |diff| {a.inverse_dynamics_abs:.2e} N m, max rel {a.inverse_dynamics_rel:.2e}",
        f"inverse dynamics with passive moments + contact: max |diff| {a.passive_contact_id_abs:.2e} N m",
        f"muscle-tendon length: max |diff| {a.muscle_length_abs * 1e3:.2e} mm; speed {a.muscle_velocity_abs:.2e} m/s",
        f"moment arms: max |diff| {a.moment_arm_abs * 1e3:.2e} mm",
        f"muscle (tendon) force: max |diff| {a.muscle_force_rel:.2e} of max isometric force",
        f"compliant-tendon equilibrium at OpenSim's d(ft)/dt: max residual {a.equilibrium_residual:.2e} "
        f"({a.equilibrium_checked} compliant muscle-states with 0.5 < l~M < 1.6, |v~M| <= 1)",
        f"contact sphere forces: max rel diff {a.sphere_force_rel:.2e}",
    ])


