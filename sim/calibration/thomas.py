"""A simulated modified Thomas test: reads the hip-flexor stiffness knob in degrees.

Protocol (simulated, the clinical posture of the model's ``[thomas_test]``): the subject lies
supine with the contralateral hip held flexed to the chest, which tilts the pelvis posteriorly
on the table (``pelvic_tilt_deg``); the tested leg hangs over the table end with the knee at
the athletes' measured mean angle (``knee_flexion_deg``) and the ankle neutral; muscles are
relaxed (zero activation). The thigh comes to rest where the passive hip-flexion moment
(muscle passive forces times moment arms, plus the passive joint moment) balances the
gravitational moment of the hanging leg. The reported Thomas angle is the thigh's angle to
the table at rest (pelvic tilt + hip angle), as Harvey (1998) read it: negative = thigh below
the table (normal), positive = thigh stays above the table (a positive test: hip-flexor
tightness).
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy.optimize import brentq

from sim.model.geometry import FLOAT_OPS, body_poses, tree_order
from sim.model.spec import COORDINATES, ModelSpec, ModelSpecError

SEARCH_RANGE_DEG = (-70.0, 80.0)


@dataclass(frozen=True)
class ThomasResult:
    hip_flexor_stiffness: float
    thomas_angle_deg: float  # thigh to table at rest; > 0 means positive test
    resting_moment: float  # N m: passive flexion moment = leg gravity moment at rest
    knee_flexion_deg: float
    pelvic_tilt_deg: float
    hip_flexion_deg: float  # the hip angle at rest (thigh relative to the pelvis)

    @property
    def positive(self) -> bool:
        return self.thomas_angle_deg > 0.0


def _leg_gravity_moment(spec: ModelSpec, q: dict[str, float]) -> float:
    """Moment of the hanging right leg's weight about the hip (supine: gravity along -x of pelvis)."""
    poses = body_poses(spec, q)
    hip = poses["femur_r"].origin
    g = abs(spec.gravity)
    moment = 0.0
    leg = {"femur_r"}
    for joint in tree_order(spec.joints_expanded()):
        if joint.parent in leg:
            leg.add(joint.child)
    for body in sorted(leg):
        com_spec = next(b for b in spec.bodies_expanded() if b.name == body)
        com = poses[body].point(com_spec.com, FLOAT_OPS)
        moment += spec.body_mass(body) * g * (com[1] - hip[1])
    return moment


def thomas_test(spec: ModelSpec, hip_flexor_stiffness: float, glute_strength: float = 1.0,
                pelvic_tilt_deg: float | None = None, knee_flexion_deg: float | None = None) -> ThomasResult:
    """Resting thigh angle of the simulated modified Thomas test at this knob value.

    ``pelvic_tilt_deg`` (OpenSim sign: + posterior) and ``knee_flexion_deg`` default to the
    model's clinical posture (``spec.thomas_test``); the angle is read between thigh and table
    (Harvey 1998), so the reported angle is tilt + hip flexion.
    """
    posture = spec.thomas_test
    if posture is None and (pelvic_tilt_deg is None or knee_flexion_deg is None):
        raise ModelSpecError(f"model '{spec.name}' has no [thomas_test] posture: give pelvic_tilt_deg and "
                             "knee_flexion_deg")
    tilt = posture.pelvic_tilt_deg if pelvic_tilt_deg is None else pelvic_tilt_deg
    knee = posture.knee_flexion_deg if knee_flexion_deg is None else knee_flexion_deg
    from sim.calibration.passive_hip import PassiveHip

    passive = PassiveHip(spec)
    knobs = {"hip_flexor_stiffness": hip_flexor_stiffness, "glute_strength": glute_strength}

    def state(hip_deg: float) -> dict[str, float]:
        return dict(zip(COORDINATES, passive.posture(hip_deg, knee, tilt), strict=True))

    def passive_hip_moment(hip_deg: float) -> float:
        return passive.moments(passive.posture(hip_deg, knee, tilt), knobs)["total"]

    def balance(hip_deg: float) -> float:
        return passive_hip_moment(hip_deg) + _leg_gravity_moment(spec, state(hip_deg))

    lo, hi = SEARCH_RANGE_DEG
    if balance(lo) * balance(hi) > 0:
        raise RuntimeError(f"no resting angle between {lo} and {hi} deg for stiffness {hip_flexor_stiffness}")
    angle = brentq(balance, lo, hi, xtol=1e-6)
    return ThomasResult(hip_flexor_stiffness, angle + tilt, passive_hip_moment(angle), knee, tilt, angle)
