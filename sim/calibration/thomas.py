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

The same test reads the rectus femoris at the knee (:func:`thomas_knee_test`): with both the hip
and the knee of the hanging leg free, the leg comes to rest where the passive moments balance the
leg's weight at both joints; a tight two-joint hip flexor holds the knee straighter (a smaller
knee flexion angle), which clinicians read as a short rectus femoris.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, root

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


@dataclass(frozen=True)
class ThomasKneeResult:
    knobs: dict[str, float]
    knee_flexion_deg: float  # the hanging knee at rest; smaller = a tighter rectus femoris
    thomas_angle_deg: float  # thigh to table at rest with the knee free
    hip_flexion_deg: float
    pelvic_tilt_deg: float


def _gravity_forces(spec: ModelSpec, q: np.ndarray, coordinates: tuple[str, ...], step: float = 1e-6) -> list[float]:
    """Generalized forces of gravity on ``coordinates`` for the body lying supine (gravity along the
    ground's -x): minus the derivative of the potential energy, by central differences."""
    bodies = spec.bodies_expanded()
    g = abs(spec.gravity)

    def potential(values: np.ndarray) -> float:
        poses = body_poses(spec, dict(zip(COORDINATES, map(float, values), strict=True)))
        return sum(spec.body_mass(b.name) * g * poses[b.name].point(b.com, FLOAT_OPS)[0] for b in bodies)

    out = []
    for name in coordinates:
        up, down = q.copy(), q.copy()
        index = COORDINATES.index(name)
        up[index] += step
        down[index] -= step
        out.append(-(potential(up) - potential(down)) / (2 * step))
    return out


def thomas_knee_test(spec: ModelSpec, knobs: dict[str, float] | None = None,
                     pelvic_tilt_deg: float | None = None) -> ThomasKneeResult:
    """The modified Thomas test read at the knee: the hanging right leg's hip and knee both at rest,
    relaxed, in the clinical pelvic tilt (``spec.thomas_test`` unless given)."""
    posture = spec.thomas_test
    if posture is None and pelvic_tilt_deg is None:
        raise ModelSpecError(f"model '{spec.name}' has no [thomas_test] posture: give pelvic_tilt_deg")
    tilt = posture.pelvic_tilt_deg if pelvic_tilt_deg is None else pelvic_tilt_deg
    from sim.calibration.passive_hip import PassiveHip

    passive = PassiveHip(spec)
    knobs = dict(knobs or {})
    joints = ("hip_flexion_r", "knee_angle_r")

    def balance(angles_deg: np.ndarray) -> list[float]:
        q = passive.posture(angles_deg[0], angles_deg[1], tilt)
        gravity = _gravity_forces(spec, q, joints)
        return [passive.moments(q, knobs, coordinate=c)["total"] + g for c, g in zip(joints, gravity, strict=True)]

    # start from the hip's own reading with the knee at the clinical posture's angle
    start_knee = posture.knee_flexion_deg if posture is not None else 50.0
    start_hip = thomas_test(spec, knobs.get("hip_flexor_stiffness", 1.0), pelvic_tilt_deg=tilt,
                            knee_flexion_deg=start_knee).hip_flexion_deg
    # the rest is judged by its moment residual: the central-difference gravity forces are
    # accurate to about 1e-9 N m, below which Powell's method can report slow progress although
    # it sits at the rest; Levenberg-Marquardt from the same start when it does not
    for method in ("hybr", "lm"):
        solution = root(balance, [start_hip, start_knee], tol=1e-10, method=method)
        if max(abs(r) for r in balance(solution.x)) <= 1e-6:
            break
    else:
        raise RuntimeError(f"the hanging leg found no rest with knobs {knobs}: {solution.message}")
    hip, knee = map(float, solution.x)
    return ThomasKneeResult(knobs, knee, hip + tilt, hip, tilt)
