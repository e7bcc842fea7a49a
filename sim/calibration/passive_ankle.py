"""The passive ankle: the model's passive ankle moment, muscles and joint, against the measured
whole-joint passive moments, and a whole-ankle fit to them.

Measured reference: Silder A, Whittington B, Heiderscheit B, Thelen DG (2007) Identification of
passive elastic joint moment-angle relationships in the lower extremity. J Biomech 40:2628-2635
(20 young adults, relaxed, dorsiflexion -30..20 deg at knee flexion 0, 15, 60 and 110 deg), the
curves digitized from their figure as distributed in stanfordnmbl/PassiveMuscleForceCalibration
(``DigitizedPassiveMoments_Silder2007.mat``), read every 5 deg.

The knee dependence of these curves is the gastrocnemius' (the only two-joint muscle of the
sagittal ankle): with the knee straight the ankle resists 40 N m at 20 deg of dorsiflexion, with
the knee flexed 8-10 N m. The whole-ankle fit (:func:`whole_ankle_fit`) therefore has two parts:
the gastrocnemius' passive fibre stiffness (which gives the knee dependence) and one
dorsiflexion-resisting exponential of the joint (the one-joint tissues: soleus' and the capsule's
share beyond the model's soleus), both fitted at once in least squares to all four curves.

Out-of-sample check: the dorsiflexion adults reach under body weight (a lunge, a few tens of N m of
load; :data:`WEIGHT_BEARING_DORSIFLEXION`).

``python -m sim.calibration.passive_ankle`` prints the model's moments beside Silder's, the fit and
what it gives at the weight-bearing limits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.model.spec import ModelSpec, load_spec

#: Silder et al. (2007), digitized: knee flexion (deg) -> {dorsiflexion (deg): passive moment (N m),
#: OpenSim sign: negative = plantarflexing, i.e. resisting dorsiflexion}
SILDER_2007_ANKLE = {
    0.0: {-30.0: -0.64, -25.0: -0.90, -20.0: -1.27, -15.0: -1.86, -10.0: -2.81, -5.0: -4.22, 0.0: -6.45,
          5.0: -10.10, 10.0: -15.94, 15.0: -25.57, 20.0: -39.87},
    15.0: {-30.0: -0.44, -25.0: -0.64, -20.0: -0.83, -15.0: -1.11, -10.0: -1.56, -5.0: -2.33, 0.0: -3.59,
           5.0: -5.61, 10.0: -8.98, 15.0: -14.54, 20.0: -22.72},
    60.0: {-30.0: -0.37, -25.0: -0.51, -20.0: -0.62, -15.0: -0.75, -10.0: -0.95, -5.0: -1.31, 0.0: -1.92,
           5.0: -2.79, 10.0: -4.24, 15.0: -6.75, 20.0: -10.24},
    110.0: {-30.0: -0.07, -25.0: -0.17, -20.0: -0.30, -15.0: -0.42, -10.0: -0.57, -5.0: -0.90, 0.0: -1.41,
            5.0: -2.17, 10.0: -3.35, 15.0: -5.38, 20.0: -8.33},
}
#: the muscle whose passive stiffness carries the knee dependence
TWO_JOINT_MUSCLE = "gastroc"
#: bounds of the fitted parameters: passive fibre strain (the model's allowed range ends at 2.0)
#: and the joint exponential's stiffness (1/rad)
STRAIN_BOUNDS, JOINT_STIFFNESS_BOUNDS = (0.1, 2.0), (0.5, 40.0)
ANKLE_PASSIVE_RULE = "ankle_passive_rule"
#: the mean weight-bearing lunge (Calatayud J et al. (2015) Int J Sports Phys Ther 10:197-202: 40.6
#: +/- 5.2 deg of dorsiflexion), knee flexed as in the lunge (deg)
LUNGE_POSTURE_DEG = (40.6, 75.0)
#: weight-bearing ankle dorsiflexion limits (deg) with the knee angle (deg) of the test: Baumbach et
#: al. 2014 (BMC Musculoskelet Disord 15:246; 20 adults), knee straight and flexed 75 deg; the lunge
#: of Calatayud et al. 2015 (Int J Sports Phys Ther 10:197; 26 men, knee flexed, about 75 deg assumed)
WEIGHT_BEARING_DORSIFLEXION = [
    ("weight-bearing, knee straight (Baumbach 2014: 25 [22-28] deg)", 25.0, 0.0),
    ("weight-bearing, knee flexed 75 (Baumbach 2014: 39 [36-42] deg)", 39.0, 75.0),
    ("weight-bearing lunge (Calatayud 2015: 40.6 +/- 5.2 deg)", *LUNGE_POSTURE_DEG),
]

#: the lunge's load on the ankle (N m): about half the body weight on the front foot, its centre of
#: pressure a few cm (5-10) in front of the ankle, 20-80 N m; with the stop's steep shape the onset
#: moves by about 1 deg across that range
LUNGE_LOAD_NM = 40.0
#: a stop onset beyond any posture of the fit (rad)
STOP_OUT_OF_THE_WAY = math.radians(60.0)


def silder_points() -> list[tuple[float, float, float]]:
    """(knee deg, dorsiflexion deg, moment N m) of every digitized point."""
    return [(knee, ankle, moment) for knee, curve in SILDER_2007_ANKLE.items() for ankle, moment in curve.items()]


def ankle_joint_entry(spec: ModelSpec):
    """The ankle's passive joint-moment entry (range stops of Falisse et al.)."""
    return next(p for p in spec.passive_moments if p.coordinate == "ankle_angle" and p.structure == "joint")


def with_gastrocnemius_strain(spec: ModelSpec, strain: float) -> ModelSpec:
    """``spec`` with the gastrocnemius' passive fibre strain at one normalized force set to ``strain``
    (cited as the rule: the model file's ``[sources.ankle_passive_rule]``)."""
    return spec.model_copy(update={"muscles": [
        m.model_copy(update={"passive_fiber_strain_at_one_norm_force": strain,
                             "passive_strain_source": ANKLE_PASSIVE_RULE}) if m.name == TWO_JOINT_MUSCLE else m
        for m in spec.muscles]})


def with_ankle_tissues(spec: ModelSpec, scale: float, stiffness: float, stop_onset: float | None = None) -> ModelSpec:
    """``spec`` with the ankle's one-joint tissues resisting dorsiflexion by ``scale exp(stiffness q)``
    (N m, q in rad; a "capsule" entry, replacing any) and, if given, the dorsiflexion stop's onset
    ``theta2`` (rad) moved."""
    joint = ankle_joint_entry(spec)
    entries = [p for p in spec.passive_moments if not (p.coordinate == "ankle_angle" and p.structure == "capsule")]
    if stop_onset is not None:
        entries = [joint.model_copy(update={"theta2": stop_onset}) if p is joint else p for p in entries]
    tissues = joint.model_copy(update={"structure": "capsule", "k1": -scale, "k2": stiffness, "k3": 0.0, "k4": 0.0,
                                       "theta1": 0.0, "theta2": 0.0, "damping": 0.0, "source": ANKLE_PASSIVE_RULE})
    return spec.model_copy(update={"passive_moments": [*entries, tissues]})


class PassiveAnkle:
    """The relaxed model's passive moment about the right ankle: muscles (compliant tendons in
    equilibrium) and joint, in OpenSim's sign (negative resists dorsiflexion)."""

    def __init__(self, spec: ModelSpec):
        from sim.cas.model import CasadiModel

        self.spec = spec
        self.model = CasadiModel(spec)

    def moments(self, dorsiflexion_deg: float, knee_deg: float) -> tuple[float, float]:
        """(muscles, joint) passive ankle moment, N m."""
        from sim.calibration.isometric import passive_ankle

        resisting_muscles, resisting_joint = passive_ankle(self.model, dorsiflexion_deg, knee_deg)
        return -resisting_muscles, -resisting_joint

    def total(self, dorsiflexion_deg: float, knee_deg: float) -> float:
        """Muscles plus joint, N m."""
        return sum(self.moments(dorsiflexion_deg, knee_deg))


@dataclass(frozen=True)
class AnkleFit:
    """The whole-ankle fit: the gastrocnemius' passive strain, the one-joint tissues' dorsiflexion
    resistance ``scale exp(stiffness q)``, the dorsiflexion stop's onset (rad) and the RMS misfit
    (N m) against Silder et al. at each knee angle."""

    gastrocnemius_strain: float
    scale: float
    stiffness: float
    stop_onset: float
    rms_by_knee: dict[float, float]

    def apply(self, spec: ModelSpec) -> ModelSpec:
        """``spec`` with the fitted passive ankle."""
        return with_ankle_tissues(with_gastrocnemius_strain(spec, self.gastrocnemius_strain),
                                  self.scale, self.stiffness, self.stop_onset)


def rms_by_knee(spec: ModelSpec) -> dict[float, float]:
    """RMS (N m) of the model's passive ankle moment against Silder et al. at each knee angle."""
    passive = PassiveAnkle(spec)
    out = {}
    for knee, curve in SILDER_2007_ANKLE.items():
        errors = [passive.total(ankle, knee) - moment for ankle, moment in curve.items()]
        out[knee] = float(np.sqrt(np.mean(np.square(errors))))
    return out


def _joint_fit(remainder: np.ndarray, ankle_rad: np.ndarray) -> tuple[float, float, float]:
    """Best (scale, stiffness, sum of squares) of ``-scale exp(stiffness q)`` to ``remainder``:
    the scale in closed form for each stiffness (never negative: a joint that resists plantarflexion
    here would pull the foot up), the stiffness by a bounded scalar search."""
    from scipy.optimize import minimize_scalar

    def scale(stiffness: float) -> float:
        basis = np.exp(stiffness * ankle_rad)
        return max(0.0, float(-(remainder @ basis) / (basis @ basis)))

    def misfit(stiffness: float) -> float:
        return float(np.sum((remainder + scale(stiffness) * np.exp(stiffness * ankle_rad)) ** 2))

    best = minimize_scalar(misfit, bounds=JOINT_STIFFNESS_BOUNDS, method="bounded", options={"xatol": 1e-6})
    return scale(best.x), float(best.x), float(best.fun)


def whole_ankle_fit(spec: ModelSpec) -> AnkleFit:
    """The whole-ankle rule. (1) The gastrocnemius' passive strain and the one-joint tissues'
    dorsiflexion resistance so that muscles plus joint follow Silder et al.'s four curves in least
    squares, with the dorsiflexion stop out of the way (Silder's range ends at 20 deg). (2) The stop
    (Falisse's shape) with its onset where the whole ankle resists a lunge's load
    (:data:`LUNGE_LOAD_NM`) at the mean weight-bearing lunge angle, the end of the range under
    body weight. Every other structure stays as in ``spec``."""
    from scipy.optimize import brentq, minimize_scalar

    points = silder_points()
    knees = np.array([k for k, _, _ in points])
    ankles = np.array([a for _, a, _ in points])
    measured = np.array([m for *_, m in points])
    ankle_rad = np.radians(ankles)
    no_stop = with_ankle_tissues(spec, 0.0, 1.0, stop_onset=STOP_OUT_OF_THE_WAY)

    def joint_fit(strain: float) -> tuple[float, float, float]:
        """The one-joint tissues' best exponential to what the rest of the ankle, with this gastrocnemius
        strain, leaves over."""
        passive = PassiveAnkle(with_gastrocnemius_strain(no_stop, strain))
        others = np.array([passive.total(a, k) for a, k in zip(ankles, knees, strict=True)])
        return _joint_fit(measured - others, ankle_rad)

    best = minimize_scalar(lambda strain: joint_fit(strain)[2], bounds=STRAIN_BOUNDS, method="bounded",
                           options={"xatol": 1e-4})
    strain = float(best.x)
    scale, stiffness, _ = joint_fit(strain)
    soft = with_ankle_tissues(with_gastrocnemius_strain(spec, strain), scale, stiffness)
    lunge_deg, lunge_knee_deg = LUNGE_POSTURE_DEG

    def lunge_excess(onset: float) -> float:
        ankle = PassiveAnkle(with_ankle_tissues(soft, scale, stiffness, onset))
        return -ankle.total(lunge_deg, lunge_knee_deg) - LUNGE_LOAD_NM

    onset = float(brentq(lunge_excess, math.radians(15.0), math.radians(lunge_deg), xtol=1e-6))
    fitted = AnkleFit(strain, scale, stiffness, onset, {})
    return AnkleFit(strain, scale, stiffness, onset, rms_by_knee(fitted.apply(spec)))


def weight_bearing_moments(spec: ModelSpec) -> list[tuple[str, float, float, float]]:
    """(label, dorsiflexion deg, knee deg, whole-ankle passive moment resisting dorsiflexion N m) at
    the dorsiflexion adults reach under body weight."""
    passive = PassiveAnkle(spec)
    return [(label, ankle, knee, -passive.total(ankle, knee)) for label, ankle, knee in WEIGHT_BEARING_DORSIFLEXION]


def main() -> None:
    """Print the model's passive ankle against Silder et al., the whole-ankle fit and its check."""
    spec = load_spec()
    fit = whole_ankle_fit(spec)
    fitted = fit.apply(spec)
    current, new = PassiveAnkle(spec), PassiveAnkle(fitted)
    print("passive ankle moment, N m (negative resists dorsiflexion): model file | whole-ankle fit | Silder 2007")
    for knee, curve in SILDER_2007_ANKLE.items():
        print(f"knee {knee:5.0f} deg")
        for ankle, moment in curve.items():
            print(f"  ankle {ankle:+5.0f}  {current.total(ankle, knee):7.1f} | {new.total(ankle, knee):7.1f} | "
                  f"{moment:7.1f}")
    before = rms_by_knee(spec)
    print("RMS by knee angle (model file -> fit): " + ", ".join(
        f"{k:.0f} deg {before[k]:.1f} -> {fit.rms_by_knee[k]:.1f}" for k in SILDER_2007_ANKLE))
    print(f"fit: gastrocnemius passive strain {fit.gastrocnemius_strain:.4f}; one-joint tissues resist "
          f"dorsiflexion with {fit.scale:.4f} exp({fit.stiffness:.4f} q) N m (ankle_angle capsule k1 = "
          f"{-fit.scale:.4f}, k2 = {fit.stiffness:.4f}); dorsiflexion stop onset theta2 = {fit.stop_onset:.4f} rad "
          f"({math.degrees(fit.stop_onset):.1f} deg) for {LUNGE_LOAD_NM:.0f} N m at the lunge")
    print("under body weight (out of sample; a lunge loads the ankle with a few tens of N m):")
    for (label, ankle, knee, old), (*_, fitted_moment) in zip(weight_bearing_moments(spec),
                                                            weight_bearing_moments(fitted), strict=True):
        print(f"  {label}: dorsiflexion {ankle:.1f} deg, knee {knee:.0f} deg: model file {old:7.1f} N m, "
              f"fit {fitted_moment:7.1f} N m")
    print(f"(model file's dorsiflexion stop at {math.degrees(ankle_joint_entry(spec).theta2):.0f} deg onset)")


if __name__ == "__main__":
    main()
