"""The tendon slack lengths and passive stiffness in models/runner2d.toml are the rules' output."""

from __future__ import annotations

import pytest

from sim.calibration.rules import rule_iliopsoas_contracture, rule_tendon_slack_lengths, tendon_slack_rule


def test_model_file_follows_the_rule(spec):
    rule = rule_tendon_slack_lengths(spec)
    for m in spec.muscles:
        assert m.tendon_slack_source == tendon_slack_rule(m), m.name
        assert m.tendon_slack_length == pytest.approx(rule[m.name], abs=1e-4), m.name
    # the healthy iliopsoas follows the rigid-tendon rule like every other muscle; its tightness is the knob
    assert {m.name for m in spec.muscles if m.tendon_slack_source == "thomas_test_rule"} == set()


def test_hip_flexor_knob_follows_the_thomas_rule(spec):
    """The knob is a contracture whose per-unit shortening puts knob 4 three SD tighter than healthy."""
    from sim.calibration.thomas import thomas_test

    knob = spec.knobs["hip_flexor_stiffness"]
    assert knob.acts_on == "muscle_tendon_contracture" and knob.source == "thomas_test_rule"
    assert knob.tendon_shortening_per_unit == pytest.approx(rule_iliopsoas_contracture(spec), abs=1e-5)
    assert thomas_test(spec, 4.0).thomas_angle_deg == pytest.approx(-11.9 + 3 * 9.0, abs=0.1)


def test_rectus_femoris_knob_follows_the_thomas_knee_rule(spec):
    """The rectus femoris knob is a contracture read at the knee of the same test: knob 4 holds the
    hanging knee three SD straighter than healthy, the knee straightens step by step, and the thigh
    barely moves (the test tells the two hip flexors apart by the knee)."""
    from sim.calibration.rules import THOMAS_KNEE_SD_DEG, rule_rectus_femoris_contracture
    from sim.calibration.thomas import thomas_knee_test

    name = "rectus_femoris_stiffness"
    knob = spec.knobs[name]
    assert knob.acts_on == "muscle_tendon_contracture" and knob.muscles == ["rect_fem"]
    assert knob.tendon_shortening_per_unit == pytest.approx(rule_rectus_femoris_contracture(spec), abs=1e-5)
    readings = [thomas_knee_test(spec, {name: k}) for k in (0.0, 1.0, 2.0, 3.0, 4.0)]
    knees = [r.knee_flexion_deg for r in readings]
    assert all(b < a for a, b in zip(knees[:-1], knees[1:], strict=True))
    assert knees[4] == pytest.approx(knees[1] - 3 * THOMAS_KNEE_SD_DEG, abs=0.05)
    assert max(r.thomas_angle_deg for r in readings) - min(r.thomas_angle_deg for r in readings) < 1.0


def test_thomas_knee_test_rests_where_the_hip_test_does_at_the_same_knee(spec):
    """Two readings of one physics: with the knee held where the free knee rests, the hip-only test
    finds the same thigh angle (the potential's derivative equals the lever-arm moment)."""
    from sim.calibration.thomas import thomas_knee_test, thomas_test

    free = thomas_knee_test(spec)
    held = thomas_test(spec, 1.0, knee_flexion_deg=free.knee_flexion_deg)
    assert held.thomas_angle_deg == pytest.approx(free.thomas_angle_deg, abs=1e-4)


def test_compliant_rule_puts_the_plantar_flexors_at_optimum_at_their_longest_running_length(spec):
    """With the tendon at slack length the fibre reaches (not exceeds) optimal length in measured
    running, so a loaded tendon keeps it on the ascending limb (Rubenson et al. 2012)."""
    import math

    from sim.calibration.rules import measured_stride_longest_lengths

    longest = measured_stride_longest_lengths(spec)
    compliant = [m for m in spec.muscles if m.compliant_tendon]
    assert {m.name for m in compliant} == {"soleus", "gastroc"}
    for m in compliant:
        along = longest[m.name] - m.tendon_slack_length
        fibre = math.hypot(along, m.optimal_fiber_length * math.sin(m.pennation_angle))
        assert fibre / m.optimal_fiber_length == pytest.approx(1.0, abs=2e-3), m.name



def test_passive_fibre_stiffness_follows_the_rule(spec):
    """Leg muscles carry the rule's strain; no muscle adds more than the limit in postures
    healthy adults reach passively; with the default strain the straight-leg raise would."""
    from sim.calibration.rules import (
        DEFAULT_PASSIVE_STRAIN,
        PASSIVE_MOMENT_LIMIT,
        PASSIVE_RULE_EXEMPT,
        passive_moments_by_muscle,
        rule_passive_fiber_strain,
        with_leg_passive_strain,
    )

    strain = rule_passive_fiber_strain(spec)
    assert strain > DEFAULT_PASSIVE_STRAIN
    for m in spec.muscles:
        if m.name == "gastroc":  # fitted with the whole passive ankle (tests/test_passive_ankle.py)
            assert m.passive_strain_source == "ankle_passive_rule"
        elif m.name in PASSIVE_RULE_EXEMPT:
            assert m.passive_fiber_strain_at_one_norm_force == DEFAULT_PASSIVE_STRAIN, m.name
            assert m.passive_strain_source is None, m.name
        else:
            assert m.passive_fiber_strain_at_one_norm_force == strain, m.name
            assert m.passive_strain_source == "passive_rom_rule", m.name
    for name, by_posture in passive_moments_by_muscle(spec).items():
        if name in PASSIVE_RULE_EXEMPT:
            continue
        for posture, value in by_posture.items():
            assert abs(value) <= PASSIVE_MOMENT_LIMIT, (name, posture, value)
    at_default = passive_moments_by_muscle(with_leg_passive_strain(spec, DEFAULT_PASSIVE_STRAIN))
    assert abs(at_default["hamstrings"]["straight-leg raise 60 deg"]) > 300.0  # beyond the hip's strength


def test_tracked_measured_running_puts_the_soleus_where_it_works_in_vivo(spec):
    """Tracking the measured stride (coarse mesh), the soleus fibre at peak activation lies in the
    in-vivo running range (Rubenson et al. 2012: 0.65-0.99 L0); with the middle-of-range rule it
    was at 1.28 L0 (descending limb), so this could fail."""
    from sim.apps.operating_lengths import tracked_operating_lengths

    result = tracked_operating_lengths(spec, n_intervals=25)  # 20 intervals is too coarse to converge
    soleus = result["muscles"]["soleus_r"]
    assert 0.65 <= soleus["at_peak_activation"] <= 0.99
    assert soleus["range"][1] < 1.05  # never on the descending limb while tracking running
    assert 0.65 <= result["muscles"]["gastroc_r"]["at_peak_activation"] <= 1.0


def test_riener_edrich_hip_moment_is_their_equation():
    """Their fit at 20 deg knee flexion: about 10, 15, 25 and 46 N m at 0, -10, -20, -30 deg hip."""
    from sim.calibration.passive_hip import riener_edrich_hip_moment

    assert riener_edrich_hip_moment([0.0, -10.0, -20.0, -30.0], 20.0) == pytest.approx([9.7, 14.8, 24.9, 45.5],
                                                                                        abs=0.05)
    assert riener_edrich_hip_moment(0.0, 20.0) - riener_edrich_hip_moment(0.0, 20.0, offset=False) == \
        pytest.approx(8.072)


def test_the_passive_hip_moment_adds_up_by_structure(spec):
    from sim.calibration.passive_hip import PassiveHip

    passive = PassiveHip(spec)
    parts = passive.moments(passive.posture(-20.0, 20.0))
    assert parts["total"] == pytest.approx(sum(v for k, v in parts.items() if k != "total"))
    assert parts["iliacus_r"] > 0 and parts["psoas_r"] > 0  # stretched hip flexors pull the hip into flexion
    tighter = passive.moments(passive.posture(-20.0, 20.0), {"hip_flexor_stiffness": 3.0})
    assert tighter["iliacus_r"] > parts["iliacus_r"] and tighter["joint"] == parts["joint"]


def test_a_posteriorly_tilted_pelvis_raises_the_thomas_thigh(spec):
    """The clinical posture: with the pelvis tilted back the hip is more extended for the same
    thigh-to-table angle, so the hip's passive structures hold the thigh higher."""
    from sim.calibration.thomas import thomas_test

    neutral, tilted = thomas_test(spec, 1.0, pelvic_tilt_deg=0.0), thomas_test(spec, 1.0, pelvic_tilt_deg=10.0)
    assert tilted.thomas_angle_deg > neutral.thomas_angle_deg + 3.0
    assert tilted.thomas_angle_deg == pytest.approx(tilted.pelvic_tilt_deg + tilted.hip_flexion_deg)


def test_the_thomas_test_is_read_in_the_clinical_posture(spec):
    """Harvey (1998) read the thigh-to-table angle with the pelvis tilted posteriorly (lumbar spine
    on the table) at a mean knee angle of 52.5 deg; the simulated test uses that posture by
    default and reads the athletes' mean at the healthy knob."""
    from sim.calibration.thomas import thomas_test

    healthy = thomas_test(spec, spec.knobs["hip_flexor_stiffness"].default)
    assert (healthy.knee_flexion_deg, healthy.pelvic_tilt_deg) == (52.5, 10.0)
    assert spec.thomas_test.source == "thomas_posture"
    assert healthy.thomas_angle_deg == pytest.approx(-11.9, abs=0.05)
    assert healthy.hip_flexion_deg == pytest.approx(-21.9, abs=0.05)  # the hip is extended 10 deg beyond the thigh


def test_the_hip_capsule_follows_its_rule(spec):
    from sim.calibration.passive_hip import HIP_CAPSULE_RULE, hip_capsule, rule_hip_capsule

    stop = hip_capsule(spec)
    k3, k4 = rule_hip_capsule(spec)
    assert stop.source == HIP_CAPSULE_RULE
    assert (stop.k3, stop.k4) == (pytest.approx(k3, rel=1e-4), pytest.approx(k4, rel=1e-4))


def test_the_healthy_passive_hip_follows_the_measured_curve(spec):
    """Muscles plus capsule against Silder et al. (2007) with the knee near straight: within their
    own fit's 2.5 N m RMS, rising toward extension as theirs does; the iliopsoas carries a small
    part of it (an iliopsoas holding the whole Thomas-test moment gives 25 N m at neutral)."""
    from sim.calibration.passive_hip import SILDER_2007, PassiveHip, capsule_fit_report

    report = capsule_fit_report(spec)
    assert report["rms_silder_knee15_Nm"] < 2.5
    passive = PassiveHip(spec)
    parts = {h: passive.moments(passive.posture(h, 15.0)) for h in SILDER_2007[15.0]}
    totals = [parts[h]["total"] for h in sorted(parts)]
    assert totals == sorted(totals, reverse=True)  # more extension, more passive flexion moment
    assert parts[0.0]["total"] < 12.0  # measured 7.3 N m at neutral
    for h, m in parts.items():
        assert 0.0 < m["iliacus_r"] + m["psoas_r"] < 0.5 * m["joint"], h


def test_no_healthy_muscle_carries_its_maximal_force_passively_in_the_thomas_test(spec):
    """The contracture knob tightens the test through the iliopsoas; healthy, its fibres stay
    below the stretch at which passive force reaches F_max."""
    import math

    import numpy as np

    from sim.calibration.passive_hip import PassiveHip
    from sim.calibration.thomas import thomas_test
    from sim.model.spec import COORDINATES

    healthy = thomas_test(spec, 1.0)
    passive = PassiveHip(spec)
    q = passive.posture(healthy.hip_flexion_deg, healthy.knee_flexion_deg, healthy.pelvic_tilt_deg)
    model = passive.model
    lmt, vmt, arms = model.muscle_geometry(q, np.zeros(len(COORDINATES)))
    n = model.n_muscles
    out = model.muscle_tendon(lmt, vmt, np.zeros(n), np.full(n, 0.05), np.zeros(n),
                              model.knob_vector({"hip_flexor_stiffness": 1.0, "glute_strength": 1.0}))
    passive_force = np.array(out[5]).ravel()
    fmax = np.array([m.max_isometric_force for m in model.muscles])
    assert np.all(passive_force < fmax), dict(zip(model.muscle_names, passive_force / fmax, strict=True))
    assert math.isfinite(healthy.resting_moment)


def test_a_model_without_the_thomas_posture_still_loads_and_says_what_the_test_needs(spec):
    """Run folders keep the spec they were solved with; one without [thomas_test] still loads
    (warm starts, figures), and the Thomas test then asks for its posture instead of guessing."""
    from sim.calibration.thomas import thomas_test
    from sim.model.spec import ModelSpec, ModelSpecError

    older = ModelSpec.model_validate(spec.model_dump(exclude={"thomas_test"}))
    assert older.thomas_test is None
    with pytest.raises(ModelSpecError, match="no \\[thomas_test\\] posture"):
        thomas_test(older, 1.0)
    given = thomas_test(older, 1.0, pelvic_tilt_deg=10.0, knee_flexion_deg=52.5)
    assert given.thomas_angle_deg == pytest.approx(thomas_test(spec, 1.0).thomas_angle_deg)


def test_the_lumbar_stop_follows_the_flexion_relaxation_rule(spec):
    from sim.calibration.passive_lumbar import LUMBAR_STOP_RULE, lumbar_stop, rule_lumbar_flexion_stop

    stop = lumbar_stop(spec)
    assert stop.source == LUMBAR_STOP_RULE
    assert stop.theta1 == pytest.approx(rule_lumbar_flexion_stop(spec), abs=1e-3)


def _passive_lumbar_moment(passive, lumbar_deg: float) -> float:
    """Extending passive moment (N m) of the relaxed trunk muscles plus the lumbar stop, pelvis level."""
    import math

    import numpy as np

    from sim.model.spec import COORDINATES

    q = np.zeros(len(COORDINATES))
    q[COORDINATES.index("lumbar_extension")] = math.radians(lumbar_deg)
    return passive.moments(q, coordinate="lumbar_extension")["total"]


def test_the_passive_lumbar_tissues_carry_the_trunk_only_near_full_flexion(spec):
    """Flexion relaxation: below about 80 % of the measured flexion range the erector spinae must hold
    the trunk (passive tissues carry a small part of its weight moment); at the full range they carry it.
    The optimization's lumbar bound is no narrower than the measured range."""
    from sim.calibration.passive_hip import PassiveHip
    from sim.calibration.passive_lumbar import LUMBAR_FLEXION_RANGE_DEG, trunk_weight_moment

    passive, weight = PassiveHip(spec), trunk_weight_moment(spec)
    at = {f: _passive_lumbar_moment(passive, -f * LUMBAR_FLEXION_RANGE_DEG) for f in (0.3, 0.6, 0.8, 1.0)}
    assert at == dict(sorted(at.items(), key=lambda kv: kv[1]))  # more flexion, more passive extension moment
    assert at[0.6] < 0.2 * weight
    assert 0.7 * weight < at[0.8] < 1.5 * weight
    assert at[1.0] > weight
    back = next(j for j in spec.joints if j.coordinate == "lumbar_extension")
    assert back.range_deg[0] <= -LUMBAR_FLEXION_RANGE_DEG


def test_the_upper_body_balances_over_the_hips_as_measured_in_standing(spec):
    """Standing upright (every coordinate zero), the centre of mass of pelvis and torso lies 1.0 cm
    behind the hips (Woodhull et al. 1985), by the torso's centre-of-mass rule; the model file
    carries the rule's value, and the same posture with gait2392's torso offset is 4-5 cm behind."""
    from sim.calibration.standing_balance import (
        HAT_COM_BEHIND_HIP,
        STANDING_BALANCE_RULE,
        hat_com_ahead_of_hip,
        rule_torso_com_offset,
    )

    torso = next(b for b in spec.bodies if b.name == "torso")
    assert torso.source == STANDING_BALANCE_RULE
    assert torso.com[0] == pytest.approx(rule_torso_com_offset(spec), abs=1e-4)
    assert hat_com_ahead_of_hip(spec) == pytest.approx(-HAT_COM_BEHIND_HIP, abs=2e-4)
    gait2392 = spec.model_copy(update={"bodies": [
        b.model_copy(update={"com": [-0.03, *b.com[1:]]}) if b.name == "torso" else b for b in spec.bodies]})
    assert -0.05 < hat_com_ahead_of_hip(gait2392) < -0.04
