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

    def moments(self, q: np.ndarray, knobs: dict[str, float] | None = None) -> dict[str, float]:
        """Passive hip-flexion moment (N m) of each right-side muscle, of the joint, and their total,
        with zero activation, rigid tendons at low force and no motion."""
        model, n = self.model, self.model.n_muscles
        values = {"hip_flexor_stiffness": 1.0, "glute_strength": 1.0, **(knobs or {})}
        zeros = np.zeros(len(COORDINATES))
        lmt, vmt, arms = model.muscle_geometry(q, zeros)
        force = np.array(model.muscle_tendon(lmt, vmt, np.zeros(n), np.full(n, 0.05), np.zeros(n),
                                             model.knob_vector(values))[0]).ravel()
        per_muscle = np.array(arms)[:, self.hip] * force
        out = {m: float(per_muscle[i]) for i, m in enumerate(model.muscle_names) if m.endswith("_r")}
        out["joint"] = float(np.array(model.passive_moments(q, zeros)).ravel()[self.hip])
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
    print("knee  hip   model  (iliopsoas, joint)   Riener & Edrich 1999   Silder 2007   [N m, hip flexion +]")
    for knee, hip, total, iliopsoas, joint, riener, silder in comparison(load_spec()):
        measured = f"{silder:6.1f}" if silder is not None else "     -"
        print(f"{knee:4.0f} {hip:5.0f}  {total:6.1f}  ({iliopsoas:6.1f}, {joint:5.1f})   {riener:6.1f}"
              f"                 {measured}")



#: hip angles (deg) of the capsule fit: the extension range of running
FIT_HIPS_DEG = tuple(float(h) for h in np.arange(-30.0, 0.1, 2.5))


def fit_hip_capsule(spec: ModelSpec, knee_deg: float = 20.0, hips_deg=FIT_HIPS_DEG) -> ModelSpec:
    """``spec`` with the hip's passive extension stop (the capsule: ``k3 exp(k4 (q - theta1))``) fitted
    so that muscles plus joint follow Riener & Edrich (1999) without their constant over ``hips_deg``
    at ``knee_deg`` (least squares). A diagnostic of the split between capsule and muscles."""
    from scipy.optimize import least_squares

    passive = PassiveHip(spec)
    stop = next(p for p in spec.passive_moments if p.coordinate == "hip_flexion")
    hips_deg = np.asarray(hips_deg)
    q = np.radians(hips_deg)
    parts = [passive.moments(passive.posture(h, knee_deg)) for h in hips_deg]
    total, joint = (np.array([m[key] for m in parts]) for key in ("total", "joint"))
    others = total - joint + stop.k1 * np.exp(stop.k2 * (q - stop.theta2))  # all but the extension stop
    target = riener_edrich_hip_moment(hips_deg, knee_deg, offset=False)
    fit = least_squares(lambda par: others + par[0] * np.exp(par[1] * (q - stop.theta1)) - target, [stop.k3, stop.k4])
    moments = [p.model_copy(update={"k3": float(fit.x[0]), "k4": float(fit.x[1])}) if p.coordinate == "hip_flexion"
               else p for p in spec.passive_moments]
    return spec.model_copy(update={"passive_moments": moments})


if __name__ == "__main__":
    main()
