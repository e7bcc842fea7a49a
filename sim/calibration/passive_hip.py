"""The healthy passive hip: the model's passive hip-flexion moment, split by structure, against
measured whole-joint passive moments.

Measured references (all passive structures of a relaxed leg, hip flexion positive):

* Riener R, Edrich T (1999) Identification of passive elastic joint moments in the lower
  extremities. J Biomech 32:539-544: ``M = exp(1.4655 - 0.0034 knee - 0.0750 hip) -
  exp(1.3403 - 0.0226 knee + 0.0305 hip) + 8.072`` N m, angles in degrees (as used by Miller
  et al. 2012). The constant makes the moment non-zero at neutral; ``offset=False`` drops it.
* Silder A, Whittington B, Heiderscheit B, Thelen DG (2007) J Biomech 40:2628-2635, 20 young
  adults: the points below, digitized from their figure (stanfordnmbl/PassiveMuscleForceCalibration,
  ``DigitizedPassiveMoments_Silder2007.mat``).

``python -m sim.calibration.passive_hip`` prints the model's moments (each muscle's passive
force x moment arm, the passive joint moment) beside both references.
"""

from __future__ import annotations

import math

import numpy as np

from sim.model.spec import COORDINATES, ModelSpec, load_spec

#: Silder et al. (2007), digitized: knee flexion (deg) -> {hip flexion (deg): passive hip-flexion moment (N m)}
SILDER_2007 = {15.0: {0.0: 7.3, -10.0: 18.4, -15.0: 28.4}, 90.0: {0.0: 15.7, -10.0: 33.1, -15.0: 47.6}}


def riener_edrich_hip_moment(hip_deg, knee_deg, offset: bool = True):
    """Riener & Edrich (1999) whole-joint passive hip moment (N m, flexion positive)."""
    hip, knee = np.asarray(hip_deg, dtype=float), np.asarray(knee_deg, dtype=float)
    moment = np.exp(1.4655 - 0.0034 * knee - 0.0750 * hip) - np.exp(1.3403 - 0.0226 * knee + 0.0305 * hip)
    return moment + (8.072 if offset else 0.0)


class PassiveHip:
    """The relaxed model's passive moment about the right hip, by structure (one CasADi model)."""

    def __init__(self, spec: ModelSpec):
        from sim.cas.model import CasadiModel

        self.spec = spec
        self.model = CasadiModel(spec)
        self.hip = COORDINATES.index("hip_flexion_r")

    def posture(self, hip_deg: float, knee_deg: float, pelvic_tilt_deg: float = 0.0) -> np.ndarray:
        """Coordinates of the posture (every other coordinate zero)."""
        q = np.zeros(len(COORDINATES))
        q[self.hip] = math.radians(hip_deg)
        q[COORDINATES.index("knee_angle_r")] = math.radians(knee_deg)
        q[COORDINATES.index("pelvis_tilt")] = math.radians(pelvic_tilt_deg)
        return q

    def moments(self, q: np.ndarray, knobs: dict[str, float] | None = None,
                coordinate: str = "hip_flexion_r") -> dict[str, float]:
        """Passive moment (N m) about ``coordinate`` (the right hip unless named) of each right-side
        muscle, of the joint, and their total (every muscle), with zero activation, rigid tendons at
        low force and no motion."""
        model, n, index = self.model, self.model.n_muscles, COORDINATES.index(coordinate)
        values = {"hip_flexor_stiffness": 1.0, "glute_strength": 1.0, **(knobs or {})}
        zeros = np.zeros(len(COORDINATES))
        lmt, vmt, arms = model.muscle_geometry(q, zeros)
        force = np.array(model.muscle_tendon(lmt, vmt, np.zeros(n), np.full(n, 0.05), np.zeros(n),
                                             model.knob_vector(values))[0]).ravel()
        per_muscle = np.array(arms)[:, index] * force
        out = {m: float(per_muscle[i]) for i, m in enumerate(model.muscle_names) if m.endswith("_r")}
        out["joint"] = float(np.array(model.passive_moments(q, zeros)).ravel()[index])
        out["total"] = float(per_muscle.sum()) + out["joint"]
        return out


def comparison(spec: ModelSpec, knees=(15.0, 20.0, 80.0, 90.0), hips=(10.0, 0.0, -10.0, -15.0, -20.0, -30.0)):
    """Rows (knee, hip, model total, iliopsoas, joint, Riener & Edrich, Silder or None)."""
    passive = PassiveHip(spec)
    rows = []
    for knee in knees:
        for hip in hips:
            m = passive.moments(passive.posture(hip, knee))
            rows.append((knee, hip, m["total"], m["iliacus_r"] + m["psoas_r"], m["joint"],
                         float(riener_edrich_hip_moment(hip, knee)), SILDER_2007.get(knee, {}).get(hip)))
    return rows


def main() -> None:
    """Print the model's passive hip moment beside the measured ones."""
    print("knee  hip   model  (iliopsoas, capsule and stops)   Riener & Edrich 1999 (with their constant)"
          "   Silder 2007   [N m, hip flexion +]")
    for knee, hip, total, iliopsoas, joint, riener, silder in comparison(load_spec()):
        measured = f"{silder:6.1f}" if silder is not None else "     -"
        print(f"{knee:4.0f} {hip:5.0f}  {total:6.1f}  ({iliopsoas:6.1f}, {joint:5.1f})   {riener:6.1f}"
              f"                 {measured}")



#: hip angles (deg) of the Riener & Edrich comparison: the extension range of running
FIT_HIPS_DEG = tuple(float(h) for h in np.arange(-30.0, 0.1, 2.5))
HIP_CAPSULE_RULE = "hip_capsule_rule"
#: knee flexion (deg) of the Silder et al. points the capsule is fitted to
CAPSULE_FIT_KNEE_DEG = 15.0


def hip_capsule(spec: ModelSpec):
    """The hip's capsule entry of the model's passive moments."""
    return next(p for p in spec.passive_moments if p.coordinate == "hip_flexion" and p.structure == "capsule")


def _capsule(stop, k3: float, k4: float, hip_rad):
    return k3 * np.exp(k4 * (hip_rad - stop.theta1))


def rule_hip_capsule(spec: ModelSpec) -> tuple[float, float]:
    """(k3, k4) of the hip's passive extension stop (anterior capsule and ligaments,
    ``k3 exp(k4 (q - theta1))``) by the hip-capsule rule.

    Muscles (at their length rules, the hip flexors healthy) plus joint follow the whole-joint
    passive moments of Silder et al. (2007) with the knee near straight (:data:`CAPSULE_FIT_KNEE_DEG`)
    in least squares, subject to the simulated Thomas test in its clinical posture reading the
    healthy athletes' mean (Harvey 1998) at the healthy knob: for each stiffness k4 the scale k3
    is the one that makes the test read the mean, and k4 minimizes the misfit. The capsule
    crosses the hip only, so it is fitted where the two-joint muscles are slack; Silder's points
    at 90 deg of knee flexion add the stretched rectus femoris, which the model's rectus femoris
    follows only in part (:func:`capsule_fit_report`).
    """
    from scipy.optimize import minimize_scalar

    from sim.calibration.rules import HEALTHY_THOMAS_DEG
    from sim.calibration.thomas import _leg_gravity_moment

    passive = PassiveHip(spec)
    stop = hip_capsule(spec)
    knee, tilt = spec.thomas_test.knee_flexion_deg, spec.thomas_test.pelvic_tilt_deg
    thomas_hip = HEALTHY_THOMAS_DEG - tilt  # hip angle (relative to the pelvis) at the healthy mean
    q = math.radians(thomas_hip)

    def without_stop(hip_deg: float, knee_deg: float, tilt_deg: float = 0.0) -> float:
        """Passive hip moment of everything but the extension stop, N m."""
        m = passive.moments(passive.posture(hip_deg, knee_deg, tilt_deg))
        return m["total"] - float(_capsule(stop, stop.k3, stop.k4, math.radians(hip_deg)))

    state = dict(zip(COORDINATES, passive.posture(thomas_hip, knee, tilt), strict=True))
    # the stop must supply what the leg's weight needs beyond the other structures at the mean
    needed = -_leg_gravity_moment(spec, state) - without_stop(thomas_hip, knee, tilt)
    if needed <= 0:
        raise ValueError("the muscles alone hold the Thomas-test leg above the healthy mean; no capsule fits")
    points = [(CAPSULE_FIT_KNEE_DEG, h, v) for h, v in SILDER_2007[CAPSULE_FIT_KNEE_DEG].items()]
    others = np.array([without_stop(h, k) for k, h, _ in points])
    hips = np.radians([h for _, h, _ in points])
    measured = np.array([v for *_, v in points])

    def scale(k4: float) -> float:  # closed form: the Thomas balance holds exactly
        return needed / math.exp(k4 * (q - stop.theta1))

    def misfit(k4: float) -> float:
        return float(np.sum((others + _capsule(stop, scale(k4), k4, hips) - measured) ** 2))

    best = minimize_scalar(misfit, bounds=(-20.0, -0.5), method="bounded", options={"xatol": 1e-6})
    return float(scale(best.x)), float(best.x)


def capsule_fit_report(spec: ModelSpec) -> dict[str, float]:
    """How the model's healthy passive hip meets the measurements: RMS (N m) against Silder et
    al.'s points at each knee angle, against Riener & Edrich (without their constant) at knee 20
    deg over :data:`FIT_HIPS_DEG`, and the Thomas test's healthy reading (deg)."""
    from sim.calibration.thomas import thomas_test

    passive = PassiveHip(spec)
    out = {}
    for knee, by_hip in SILDER_2007.items():
        errors = [passive.moments(passive.posture(h, knee))["total"] - v for h, v in by_hip.items()]
        out[f"rms_silder_knee{knee:.0f}_Nm"] = float(np.sqrt(np.mean(np.square(errors))))
    hips = np.array(FIT_HIPS_DEG)
    riener = [passive.moments(passive.posture(h, 20.0))["total"] for h in hips] - riener_edrich_hip_moment(
        hips, 20.0, offset=False)
    return {**out, "rms_riener_edrich_Nm": float(np.sqrt(np.mean(np.square(riener)))),
            "thomas_deg": thomas_test(spec, spec.knobs["hip_flexor_stiffness"].default).thomas_angle_deg}


if __name__ == "__main__":
    main()
