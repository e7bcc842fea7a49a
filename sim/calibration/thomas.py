"""A simulated modified Thomas test: reads the hip-flexor stiffness knob in degrees.

Protocol (simulated): the subject lies supine with the pelvis held at neutral tilt (the
contralateral hip is flexed to the chest in the clinic to fix the pelvis); the tested leg
hangs over the table end with the knee at 80 deg of flexion and the ankle neutral; muscles
are relaxed (zero activation). The thigh comes to rest where the passive hip-flexion moment
(muscle passive forces times moment arms, plus the passive joint moment) balances the
gravitational moment of the hanging leg. The reported Thomas angle is the hip angle at rest,
relative to the table: negative = thigh below the table (hip extension, normal), positive =
thigh stays above the table (a positive test: hip-flexor tightness).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from sim.model.geometry import FLOAT_OPS, body_poses
from sim.model.spec import COORDINATES, ModelSpec

KNEE_FLEXION_DEG = 80.0
SEARCH_RANGE_DEG = (-70.0, 80.0)


@dataclass(frozen=True)
class ThomasResult:
    hip_flexor_stiffness: float
    thomas_angle_deg: float  # hip angle at rest; > 0 means positive test
    resting_moment: float  # N m: passive flexion moment = leg gravity moment at rest
    knee_flexion_deg: float = KNEE_FLEXION_DEG

    @property
    def positive(self) -> bool:
        return self.thomas_angle_deg > 0.0


def _leg_gravity_moment(spec: ModelSpec, q: dict[str, float]) -> float:
    """Moment of the hanging right leg's weight about the hip (supine: gravity along -x of pelvis)."""
    poses = body_poses(spec, q)
    hip = poses["femur_r"].origin
    g = abs(spec.gravity)
    moment = 0.0
    for body in ("femur_r", "tibia_r", "calcn_r"):
        com_spec = next(b for b in spec.bodies_expanded() if b.name == body)
        com = poses[body].point(com_spec.com, FLOAT_OPS)
        moment += spec.body_mass(body) * g * (com[1] - hip[1])
    return moment


def thomas_test(spec: ModelSpec, hip_flexor_stiffness: float, glute_strength: float = 1.0) -> ThomasResult:
    """Resting hip angle of the simulated modified Thomas test at this knob value."""
    from sim.cas.model import CasadiModel

    model = CasadiModel(spec)
    knobs = [{"hip_flexor_stiffness": hip_flexor_stiffness, "glute_strength": glute_strength}[k]
             for k in model.knob_names]
    ihip = COORDINATES.index("hip_flexion_r")
    n_m = model.n_muscles

    def state(hip_deg: float) -> dict[str, float]:
        q = {c: 0.0 for c in COORDINATES}
        q["hip_flexion_r"] = math.radians(hip_deg)
        q["knee_angle_r"] = math.radians(KNEE_FLEXION_DEG)
        return q

    def passive_hip_moment(hip_deg: float) -> float:
        qv = np.array([state(hip_deg)[c] for c in COORDINATES])
        zeros = np.zeros(len(COORDINATES))
        lmt, vmt, arms = model.muscle_geometry(qv, zeros)
        force = model.muscle_tendon(lmt, vmt, np.zeros(n_m), np.full(n_m, 0.05), np.zeros(n_m), knobs)[0]
        muscles = float((np.array(arms).T @ np.array(force)).ravel()[ihip])
        joint = float(np.array(model.passive_moments(qv, zeros)).ravel()[ihip])
        return muscles + joint

    def balance(hip_deg: float) -> float:
        return passive_hip_moment(hip_deg) + _leg_gravity_moment(spec, state(hip_deg))

    lo, hi = SEARCH_RANGE_DEG
    if balance(lo) * balance(hi) > 0:
        raise RuntimeError(f"no resting angle between {lo} and {hi} deg for stiffness {hip_flexor_stiffness}")
    angle = brentq(balance, lo, hi, xtol=1e-6)
    return ThomasResult(hip_flexor_stiffness, angle, passive_hip_moment(angle))
