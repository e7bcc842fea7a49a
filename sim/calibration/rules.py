"""Tendon slack lengths by two rules, one per tendon model.

Rigid tendons: the muscle-tendon length is evaluated over the joint ranges of running (hip
-30..60 deg, knee 0..120 deg, ankle -30..25 deg, lumbar -20..20 deg, every combination of the
joints it crosses); the tendon slack length is set so that, with the tendon at slack length,
the fibre is at its optimal length at the middle of that length range. Muscles then operate
across the plateau of their force-length curve, as sarcomere-length measurements suggest for
most limb muscles during movement (Burkholder & Lieber 2001, J Exp Biol 204:1529).

Compliant tendons (the plantar flexors): the fibre is at its optimal length, with the tendon
at slack length, at the *longest* muscle-tendon length of the measured running stride (the
embedded Hamner subject). A loaded Achilles tendon stretches, so the active fibre then works
below optimal length, on the ascending limb, where the soleus works in running (Rubenson et
al. 2012, J Exp Biol 215:3539: 0.65-0.99 L0, 0.88 L0 at peak activation). The middle-of-range
rule put the soleus at 1.3-1.5 L0 in stance, on the descending limb, in every stride the model
made, measured or predicted (docs/model.md, 'Muscles').

Iliopsoas (iliacus and psoas): healthy, by the rigid-tendon rule like every other rigid-tendon
muscle. The healthy hip's passive extension resistance is the whole joint's, fitted by the
hip-capsule rule (:func:`sim.calibration.passive_hip.rule_hip_capsule`: Silder et al. 2007, with the
simulated modified Thomas test in its clinical posture reading the healthy athletes' mean,
-11.9 deg, Harvey 1998, Br J Sports Med 32:68, 117 athletes, SD 9 deg). The
``hip_flexor_stiffness`` knob shortens both muscle-tendon units (a contracture), linearly, so
that knob 4 (:data:`RULE_KNOB`) sits :data:`TIGHTEST_SD` standard deviations tighter than the
healthy mean (+15.1 deg). The ``rectus_femoris_stiffness`` knob shortens the rectus femoris the
same way, read at the knee of the same test: knob 4 holds the hanging knee three SDs of the test's
knee angle (9.2 deg, measured in 13 adults with hip-flexor tightness; Kim & Ha 2015) straighter
than the healthy model does.

Passive fibre stiffness by another rule: one passive fibre strain for all leg muscles (the
iliopsoas excepted: it keeps the De Groote-Fregly default, its tightness is the contracture
above; and the gastrocnemius, fitted with the whole passive ankle to measured moments,
:func:`sim.calibration.passive_ankle.whole_ankle_fit`), the smallest of
:data:`PASSIVE_STRAIN_GRID` for which, in postures healthy adults reach passively
(:data:`PASSIVE_REFERENCE_POSTURES`), no muscle adds more than :data:`PASSIVE_MOMENT_LIMIT`
of passive joint moment. Measured passive joint moments there
are of the order of tens of N m (Riener & Edrich 1999; Silder et al. 2007); with the De
Groote-Fregly default strain (0.6) and these fixed-point paths some muscles give hundreds.

``python -m sim.calibration`` prints the values; models/runner2d.toml carries them and tests
check that the file and the rules agree.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from sim.model.geometry import muscle_lengths
from sim.model.spec import COORDINATES, ModelSpec, load_spec

#: ``tendon_slack_source`` of each rule in models/runner2d.toml
RIGID_TENDON_RULE, COMPLIANT_TENDON_RULE = "operating_range_rule", "running_stride_longest_rule"
#: modified Thomas test of healthy athletes (Harvey 1998): mean and SD of the thigh-to-table angle, deg
HEALTHY_THOMAS_DEG, THOMAS_SD_DEG = -11.9, 9.0
#: the hip_flexor_stiffness knob at RULE_KNOB sits this many SDs tighter than the healthy mean; the knob
#: reaches beyond it (to 5) and below 1 (looser hip flexors) with the same length per unit
TIGHTEST_SD, RULE_KNOB = 3.0, 4.0
#: the spread (SD, deg) of the modified Thomas test's knee flexion angle: 59.0 +/- 9.2 deg in 13 adults with
#: hip-flexor tightness (Kim & Ha 2015, J Phys Ther Sci 27:447)
THOMAS_KNEE_SD_DEG = 9.2
RUNNING_RANGE_DEG = {"hip_flexion": (-30.0, 60.0), "knee_angle": (0.0, 120.0), "ankle_angle": (-30.0, 25.0),
                     "lumbar_extension": (-20.0, 20.0)}
GRID_POINTS = 7


def length_range(spec: ModelSpec) -> dict[str, tuple[float, float]]:
    """Min and max muscle-tendon length of each right-side muscle over the running range."""
    axes = {k: np.radians(np.linspace(*v, GRID_POINTS)) for k, v in RUNNING_RANGE_DEG.items()}
    lengths: dict[str, list[float]] = {}
    for hip, knee, ankle, lumbar in itertools.product(*axes.values()):
        q = {c: 0.0 for c in COORDINATES}
        q.update({"hip_flexion_r": hip, "knee_angle_r": knee, "ankle_angle_r": ankle, "lumbar_extension": lumbar})
        for name, value in muscle_lengths(spec, q).items():
            if name.endswith("_r"):
                lengths.setdefault(name[:-2], []).append(value)
    return {name: (min(v), max(v)) for name, v in lengths.items()}


def measured_stride_longest_lengths(spec: ModelSpec) -> dict[str, float]:
    """Longest muscle-tendon length of each right-side muscle over the embedded measured stride."""
    from sim.data.measured import measured_stride

    longest: dict[str, float] = {}
    for row in measured_stride().cycle:
        for name, value in muscle_lengths(spec, dict(zip(COORDINATES, map(float, row), strict=True))).items():
            if name.endswith("_r"):
                longest[name[:-2]] = max(longest.get(name[:-2], -math.inf), value)
    return longest


def tendon_slack_rule(muscle) -> str:
    """Which rule sets this muscle's tendon slack length (see the module docstring)."""
    return COMPLIANT_TENDON_RULE if muscle.compliant_tendon else RIGID_TENDON_RULE


def _length_rule_slack_lengths(spec: ModelSpec) -> dict[str, float]:
    """Tendon slack lengths by the length rules alone (the iliopsoas by the rigid-tendon rule)."""
    ranges = length_range(spec)
    longest = measured_stride_longest_lengths(spec)
    out = {}
    for m in spec.muscles:
        along = m.optimal_fiber_length * math.cos(m.pennation_angle)  # fibre along the tendon at optimum
        target = longest[m.name] if m.compliant_tendon else 0.5 * sum(ranges[m.name])
        out[m.name] = target - along
    return out


def with_contracture_per_unit(spec: ModelSpec, per_unit: float, knob: str = "hip_flexor_stiffness") -> ModelSpec:
    """``spec`` with the contracture knob ``knob`` shortening its muscles by ``per_unit`` m per unit."""
    changed = spec.knobs[knob].model_copy(update={"tendon_shortening_per_unit": per_unit})
    return spec.model_copy(update={"knobs": {**spec.knobs, knob: changed}})


def rule_iliopsoas_contracture(spec: ModelSpec) -> float:
    """The hip_flexor_stiffness knob's iliopsoas shortening per unit (m): knob :data:`RULE_KNOB`
    reads :data:`TIGHTEST_SD` SDs tighter than the healthy mean in the simulated Thomas test."""
    from scipy.optimize import brentq

    from sim.calibration.thomas import thomas_test

    tightest = HEALTHY_THOMAS_DEG + TIGHTEST_SD * THOMAS_SD_DEG
    return brentq(lambda u: thomas_test(with_contracture_per_unit(spec, u), RULE_KNOB).thomas_angle_deg - tightest,
                  0.0, 0.02, xtol=1e-8)


def rule_rectus_femoris_contracture(spec: ModelSpec) -> float:
    """The rectus_femoris_stiffness knob's shortening per unit (m): knob :data:`RULE_KNOB` holds the
    hanging knee of the simulated modified Thomas test :data:`TIGHTEST_SD` SDs
    (:data:`THOMAS_KNEE_SD_DEG`) straighter than the healthy model does."""
    from scipy.optimize import brentq

    from sim.calibration.thomas import thomas_knee_test

    knob = "rectus_femoris_stiffness"
    healthy = thomas_knee_test(spec, {knob: 1.0}).knee_flexion_deg
    tightest = healthy - TIGHTEST_SD * THOMAS_KNEE_SD_DEG
    return brentq(lambda u: thomas_knee_test(with_contracture_per_unit(spec, u, knob), {knob: RULE_KNOB})
                  .knee_flexion_deg - tightest, 0.0, 0.05, xtol=1e-8)


def rule_tendon_slack_lengths(spec: ModelSpec) -> dict[str, float]:
    """Tendon slack length of each muscle by its rule (rigid tendon or compliant tendon)."""
    return {name: round(value, 4) for name, value in _length_rule_slack_lengths(spec).items()}


#: postures (deg) a healthy adult reaches passively, and the coordinate whose moment is checked
PASSIVE_REFERENCE_POSTURES = {
    "straight-leg raise 60 deg": ({"hip_flexion_r": 60.0}, "hip_flexion_r"),
    "ankle dorsiflexion 20 deg, knee straight": ({"ankle_angle_r": 20.0}, "ankle_angle_r"),
    "quadriceps stretch: hip extension 10 deg, knee flexion 110 deg": (
        {"hip_flexion_r": -10.0, "knee_angle_r": 110.0}, "knee_angle_r"),
    "hip flexion 110 deg, knee flexed 90 deg": ({"hip_flexion_r": 110.0, "knee_angle_r": 90.0}, "hip_flexion_r"),
    "ankle plantarflexion 40 deg": ({"ankle_angle_r": -40.0}, "ankle_angle_r"),
}
PASSIVE_MOMENT_LIMIT = 30.0  # N m, per muscle
DEFAULT_PASSIVE_STRAIN = 0.6  # De Groote et al. (2016)
PASSIVE_STRAIN_GRID = (DEFAULT_PASSIVE_STRAIN, 1.0, 1.5, 2.0, 2.5, 3.0)
#: muscles the rule leaves alone: the iliopsoas has its own calibration (Thomas test), the gastrocnemius
#: is fitted with the whole passive ankle (sim/calibration/passive_ankle.py); the trunk is not a leg
PASSIVE_RULE_EXEMPT = ("iliacus", "psoas", "gastroc", "ercspn", "extobl")


def passive_moments_by_muscle(spec: ModelSpec) -> dict[str, dict[str, float]]:
    """Passive fibre moment (N m, rigid tendon, zero activation) of each right-side muscle
    in each reference posture, at the coordinate the posture tests."""
    from sim.cas.model import CasadiModel  # CasADi only here: calibration itself stays light

    # rigid tendons: the passive fibre force then follows from the posture alone (the
    # geometry does not depend on tendon compliance, so one model serves both)
    rigid = [m.model_copy(update={"compliant_tendon": False}) for m in spec.muscles]
    model = CasadiModel(spec.model_copy(update={"muscles": rigid}))
    n = model.n_muscles
    knobs = np.ones(len(model.knob_names))
    out: dict[str, dict[str, float]] = {}
    for label, (angles, coordinate) in PASSIVE_REFERENCE_POSTURES.items():
        q = np.zeros(len(COORDINATES))
        for name, deg in angles.items():
            q[COORDINATES.index(name)] = math.radians(deg)
        lmt, vmt, arms = model.muscle_geometry(q, np.zeros_like(q))
        passive = np.array(model.muscle_tendon(lmt, vmt, np.zeros(n), np.zeros(n), np.zeros(n), knobs)[5]).ravel()
        moment = np.array(arms)[:, COORDINATES.index(coordinate)] * passive
        for i, name in enumerate(model.muscle_names):
            if name.endswith("_r"):
                out.setdefault(name[:-2], {})[label] = float(moment[i])
    return out


def with_leg_passive_strain(spec: ModelSpec, strain: float) -> ModelSpec:
    """``spec`` with every leg muscle (not :data:`PASSIVE_RULE_EXEMPT`) at ``strain``."""
    return spec.model_copy(update={"muscles": [
        m if m.name in PASSIVE_RULE_EXEMPT else m.model_copy(update={"passive_fiber_strain_at_one_norm_force": strain})
        for m in spec.muscles]})


def rule_passive_fiber_strain(spec: ModelSpec) -> float:
    """The leg muscles' passive fibre strain by the passive range-of-motion rule (checked on the
    muscles it sets, not on :data:`PASSIVE_RULE_EXEMPT`)."""
    for strain in PASSIVE_STRAIN_GRID:
        moments = passive_moments_by_muscle(with_leg_passive_strain(spec, strain))
        if all(abs(v) <= PASSIVE_MOMENT_LIMIT for name, by_posture in moments.items()
               if name not in PASSIVE_RULE_EXEMPT for v in by_posture.values()):
            return strain
    raise ValueError(f"no passive strain in {PASSIVE_STRAIN_GRID} meets the {PASSIVE_MOMENT_LIMIT} N m limit")


def main() -> None:
    """Print every rule's values and the passive moments they give."""
    spec = load_spec()
    ranges = length_range(spec)
    longest = measured_stride_longest_lengths(spec)
    rules = {m.name: tendon_slack_rule(m) for m in spec.muscles}
    from sim.calibration.passive_hip import capsule_fit_report, rule_hip_capsule

    for name, slack in rule_tendon_slack_lengths(spec).items():
        lo, hi = ranges[name]
        print(f"{name:12s} MTU {lo:.4f}-{hi:.4f} m (running box), longest in the measured stride "
              f"{longest[name]:.4f} m  tendon_slack_length = {slack:.4f} ({rules[name]})")
    k3, k4 = rule_hip_capsule(spec)
    fit = capsule_fit_report(spec)
    print(f"hip capsule (passive extension stop): k3 = {k3:.4f} N m, k4 = {k4:.4f} /rad (model file: RMS "
          f"{fit['rms_silder_knee15_Nm']:.1f} / {fit['rms_silder_knee90_Nm']:.1f} N m against Silder 2007 at knee "
          f"15 / 90 deg, {fit['rms_riener_edrich_Nm']:.1f} against Riener & Edrich 1999; Thomas test "
          f"{fit['thomas_deg']:.2f} deg, target {HEALTHY_THOMAS_DEG})")
    from sim.calibration.passive_lumbar import rule_lumbar_flexion_stop, trunk_weight_moment

    print(f"lumbar flexion stop: theta1 = {rule_lumbar_flexion_stop(spec):.4f} rad (carries the horizontal trunk's "
          f"{trunk_weight_moment(spec):.1f} N m at 80 % of the measured flexion range)")
    from sim.calibration.standing_balance import HAT_COM_BEHIND_HIP, rule_torso_com_offset

    print(f"torso centre of mass x = {rule_torso_com_offset(spec):.4f} m (pelvis and torso "
          f"{100 * HAT_COM_BEHIND_HIP:.1f} cm behind the hips standing)")
    print(f"hip_flexor_stiffness tendon_shortening_per_unit = {rule_iliopsoas_contracture(spec):.5f}")
    print(f"rectus_femoris_stiffness tendon_shortening_per_unit = {rule_rectus_femoris_contracture(spec):.5f}")
    print(f"leg muscles: passive_fiber_strain_at_one_norm_force = {rule_passive_fiber_strain(spec)}")
    from sim.calibration.passive_ankle import whole_ankle_fit

    ankle = whole_ankle_fit(spec)
    print(f"passive ankle: gastroc passive_fiber_strain_at_one_norm_force = {ankle.gastrocnemius_strain:.5f}, "
          f"one-joint tissues k1 = {-ankle.scale:.4f} N m, k2 = {ankle.stiffness:.4f} /rad, dorsiflexion stop "
          f"theta2 = {ankle.stop_onset:.5f} rad (RMS against Silder 2007 at knee 0 / 15 / 60 / 110 deg: "
          + " / ".join(f"{v:.1f}" for v in ankle.rms_by_knee.values()) + " N m)")
    print("passive moments with rigid tendons (the rule's check; muscles with their own calibration marked *; the "
          "gastrocnemius' compliant tendon takes most of its stretch: python -m sim.calibration.passive_ankle):")
    for name, moments in passive_moments_by_muscle(spec).items():
        mark = "*" if name in PASSIVE_RULE_EXEMPT else " "
        print(f"{name:12s}{mark}passive moments (N m): " + ", ".join(f"{k}: {v:.1f}" for k, v in moments.items()))
