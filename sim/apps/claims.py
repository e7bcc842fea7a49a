"""What runners are told about tight hip flexors and weak glutes, each claim as a named hypothesis
with its operational definition, and the rule that turns the model's numbers into a verdict.

A claim names the quantity that measures it (:func:`sim.results.claims.claim_quantities`), the
knob that should move it, the direction it should move from the healthy runner to the knob's far
end (hip flexors tightest; glutes weakest) and why that quantity is the claim. The verdict is
never stronger than the evidence (:func:`verdict`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

STIFFNESS, STRENGTH = "hip_flexor_stiffness", "glute_strength"

#: the verdicts, from the strongest statement to the weakest
SUPPORTED, CONTRADICTED, NOT_SUPPORTED, NOT_RESOLVED = ("supported", "contradicted", "not supported",
                                                        "not resolved by this model")


@dataclass(frozen=True)
class Claim:
    """One thing runners are told, stated as a measurable change along one knob."""

    name: str  # identifier in hypotheses.json
    family: str  # claims that belong together (one figure each)
    told: str  # what runners are told
    quantity: str  # key of sim.results.claims.claim_quantities
    label: str  # the quantity as people name it
    unit: str  # the unit it is reported in
    scale: float  # reported value = scale x the quantity (e.g. 100 for a share in %)
    knob: str
    expected: int  # +1: rises from the healthy runner to the knob's far end; -1: falls
    definition: str  # which quantity, over which part of the cycle, and why that is the claim
    evidence: str = ""  # what measurements in runners (or simulations) say, with the source

    def as_dict(self) -> dict:
        return asdict(self)


_PUSH = "at right toe-off (the first swing node), the instant of push-off"
CLAIMS: list[Claim] = [
    Claim("calf_share_of_propulsion", "propulsion", "a disproportionate amount of propulsion is created by the "
          "plantar flexors", "plantar_flexor_share_of_propulsion", "plantar-flexor share of propulsive impulse", "%",
          100.0, STIFFNESS, +1,
          "soleus and gastrocnemius share of the muscles' propulsive ground-force impulse over right stance "
          "(induced acceleration analysis): propulsion is the forward impulse, and the claim is about who makes it",
          "untested in running; in walking simulations the plantar flexors can make up for a stiffer hip (Goldberg & "
          "Neptune 2007, Gait Posture 25:360) and walkers trade ankle for hip work (Lewis & Ferris 2008, J Biomech "
          "41:2082)"),
    Claim("ankle_share_of_push_off_work", "propulsion", "more push-off at the ankle in late stance",
          "ankle_share_of_stance_positive_work", "ankle share of stance positive joint work", "%", 100.0, STIFFNESS,
          +1, "ankle's positive joint work over right stance divided by hip + knee + ankle's: push-off is positive "
              "work done on the body, and the share says which joint does it",
          "65.3 +/- 7.5 % in running at about 2 m/s, the hip 5.5 +/- 4.6 % (Schache et al. 2015, J Exp Biol "
          "218:2472; seven participants)"),
    Claim("achilles_load", "propulsion", "more load on the calf and Achilles tendon", "achilles_force_peak_bw",
          "peak Achilles tendon force", "BW", 1.0, STIFFNESS, +1,
          "largest soleus + gastrocnemius tendon force over the stride, in body weights: the load the tendon bears"),
    Claim("plantar_flexor_work", "propulsion", "more work for the calf muscles",
          "plantar_flexor_positive_work_J_per_kg", "plantar-flexor positive work per stride", "J/kg", 1.0, STIFFNESS,
          +1, "positive muscle-tendon work of soleus + gastrocnemius over one stride (right leg), per kg body mass"),
    Claim("hip_extension_at_push_off", "hip extension and stride", "less hip extension before the foot leaves the "
          "ground", "hip_extension_at_toe_off_deg", "hip extension at toe-off", "deg", 1.0, STIFFNESS, -1,
          f"hip extension (femur behind the pelvis) {_PUSH}: the claim is about the posture as the foot leaves "
          "the ground, not the peak later in swing",
          "runners' Thomas-test flexibility did not correlate with their peak hip extension in running (Schache et al. "
          "2000, Br J Sports Med 34:279)"),
    Claim("thigh_extension_at_push_off", "hip extension and stride", "less hip extension before the foot leaves the "
          "ground (the thigh's angle, pelvis included)", "thigh_extension_at_toe_off_deg",
          "thigh behind the vertical at toe-off", "deg", 1.0, STIFFNESS, -1,
          f"the thigh's angle behind the vertical {_PUSH}: what an observer sees, with the pelvis' tilt included"),
    Claim("stride_length", "hip extension and stride", "shorter strides at a given pace", "stride_length_m",
          "stride length", "m", 1.0, STIFFNESS, -1,
          "distance the body travels in one gait cycle at the fixed speed (speed x stride time)"),
    Claim("cadence", "hip extension and stride", "a higher cadence at a given pace", "cadence_steps_per_min",
          "cadence", "steps/min", 1.0, STIFFNESS, +1, "steps per minute at the fixed speed (120 / stride time)"),
    Claim("anterior_pelvic_tilt_at_push_off", "pelvis and spine", "the apparent hip extension comes from anterior "
          "pelvic tilt", "anterior_pelvic_tilt_at_toe_off_deg", "anterior pelvic tilt at toe-off", "deg", 1.0,
          STIFFNESS, +1, f"the pelvis' forward tip {_PUSH}: where the claim says hip extension is borrowed",
          "runners with more anterior pelvic tilt extend the hip less (Schache et al. 2000, Br J Sports Med 34:279): "
          "an association, not a proven cause"),
    Claim("anterior_pelvic_tilt_mean", "pelvis and spine", "an anteriorly tilted pelvis",
          "anterior_pelvic_tilt_mean_deg", "mean anterior pelvic tilt", "deg", 1.0, STIFFNESS, +1,
          "the pelvis' forward tip averaged over the stride: the runner's posture"),
    Claim("lumbar_extension_at_push_off", "pelvis and spine", "an arched back (lumbar extension) at push-off",
          "lumbar_extension_at_toe_off_deg", "lumbar extension at toe-off", "deg", 1.0, STIFFNESS, +1,
          f"lumbar extension (the trunk bent back on the pelvis) {_PUSH}"),
    Claim("lumbar_extension_mean", "pelvis and spine", "an arched back (lumbar extension)",
          "lumbar_extension_mean_deg", "mean lumbar extension", "deg", 1.0, STIFFNESS, +1,
          "lumbar extension averaged over the stride"),
    Claim("trunk_lean", "pelvis and spine", "a forward trunk lean ('folded in half')", "trunk_forward_lean_mean_deg",
          "mean forward trunk lean", "deg", 1.0, STIFFNESS, +1,
          "the torso's forward angle to the vertical averaged over the stride (pelvis tilt + lumbar extension)",
          "7.3 +/- 3.6 deg in healthy runners at 3.4 m/s (Teng & Powers 2014, J Orthop Sports Phys Ther 44:785)"),
    Claim("overstriding", "overstriding", "overstriding: the foot lands further ahead of the body",
          "foot_ahead_of_com_at_touchdown_leg_lengths", "foot ahead of the centre of mass at touchdown",
          "leg lengths", 1.0, STIFFNESS, +1,
          "horizontal distance from the whole-body centre of mass to the right foot's centre of pressure at initial "
          "contact, in leg lengths (hip joint centre to the floor standing): where the foot lands relative to the "
          "body, independent of the runner's size"),
    Claim("hamstrings_take_over", "hamstrings and back", "with weak glutes the hamstrings take over",
          "hamstrings_share_of_hip_extension_work", "hamstrings share of hip-extension work", "%", 100.0, STRENGTH,
          +1, "hamstrings' positive work while the hip extends, divided by hamstrings' + gluteus maximus' (right "
              "leg, whole stride)",
          "runners with weaker hip extensors run with a more upright trunk and use their knee extensors more (Teng & "
          "Powers 2016, J Athl Train 51:519): the compensation may be the trunk and the knee, not only the hamstrings"),
    Claim("hamstring_load", "hamstrings and back", "more hamstring load with weak glutes", "hamstring_force_peak_bw",
          "peak hamstring force", "BW", 1.0, STRENGTH, +1, "largest hamstrings tendon force over the stride"),
    Claim("hamstring_strain", "hamstrings and back", "a hamstring strain risk with weak glutes",
          "hamstring_fiber_strain_peak", "peak hamstring fibre strain", "%", 100.0, STRENGTH, +1,
          "largest stretch of the hamstrings' fibres beyond their optimal length (late swing, where strains happen; "
          "Chumanov et al. 2007)"),
    Claim("low_back_compression", "hamstrings and back", "more load on the lower back with weak glutes",
          "l5s1_compression_peak_bw", "peak L5/S1 compression", "BW", 1.0, STRENGTH, +1,
          "largest force along the torso's axis at the lumbar joint (L5/S1), in body weights"),
    Claim("low_back_shear", "hamstrings and back", "more load on the lower back with weak glutes (shear)",
          "l5s1_anterior_shear_peak_bw", "peak L5/S1 anterior shear", "BW", 1.0, STRENGTH, +1,
          "largest force at L5/S1 that would slide L5 forward over S1, in body weights"),
]

CLAIMS_BY_NAME = {c.name: c for c in CLAIMS}


def change_unit(unit: str) -> str:
    """The unit of a change in a quantity of ``unit``: a share's change (%) is in percentage points."""
    return "pp" if unit == "%" else unit


def verdict(change: float, expected: int, step_changes: Sequence[float], resolution: float,
            checks: Sequence[float | None]) -> tuple[str, str]:
    """The verdict on a claim and why, from its change (healthy -> far end), the change of each
    knob step along the way, the model's resolution for the quantity (the spread among strides
    equally good for the optimizer) and the change in each robustness check (None: the check
    made no running stride).

    * not resolved by this model: a check is missing or changes the other way (the model cannot
      tell the direction);
    * not supported: every check agrees, but the change is within the resolution (no effect
      beyond what equally good strides differ by);
    * not resolved by this model, too: fewer than half the knob steps go the way of the change
      (the response is not monotonic);
    * supported / contradicted: every check keeps the sign, in / against the claimed direction.
    """
    rising = change > 0
    if any(c is None for c in checks):
        return NOT_RESOLVED, "a robustness check gave no running stride"
    flipped = sum((c > 0) != rising for c in checks)
    if flipped:
        return NOT_RESOLVED, f"{flipped} of {len(checks)} robustness checks change the other way"
    if abs(change) <= resolution:
        return NOT_SUPPORTED, f"the change ({change:+.3g}) is within the model's resolution ({resolution:.3g})"
    along = sum((d > 0) == rising and d != 0 for d in step_changes)
    if step_changes and 2 * along < len(step_changes):
        return NOT_RESOLVED, f"only {along} of {len(step_changes)} knob steps go the way of the change"
    if rising == (expected > 0):
        return SUPPORTED, "every check keeps the claimed direction"
    return CONTRADICTED, "every check keeps the direction opposite to the claim"
