"""The realism diagnostics change exactly the one thing their options name."""

from __future__ import annotations

import argparse

import pytest

from sim.apps.realism_diagnostics import ipopt_option, passive_override, variant


def test_a_passive_override_changes_one_parameter_of_one_joint_stop(spec):
    changed = variant(passive=[passive_override("lumbar_extension.theta1=-0.5236")])
    for before, after in zip(spec.passive_moments, changed.passive_moments, strict=True):
        if before.coordinate == "lumbar_extension" and before.structure == "joint":
            assert after.theta1 == -0.5236 and after.model_copy(update={"theta1": before.theta1}) == before
        else:
            assert after == before
    assert changed.contact == spec.contact


@pytest.mark.parametrize("text", ["lumbar_extension.theta3=1", "theta1=1", "lumbar_extension.theta1", "x.k1=abc"])
def test_a_malformed_passive_override_is_refused(text):
    with pytest.raises((argparse.ArgumentTypeError, ValueError)):
        passive_override(text)


def test_an_unknown_coordinate_is_refused_with_the_known_ones():
    with pytest.raises(SystemExit, match="lumbar_extension"):
        variant(passive=[("pelvis_tilt", "k1", 1.0)])


def test_a_sole_lowers_the_heel_and_forefoot_spheres_and_nothing_else(spec):
    shod = variant(sole=(0.044, 0.036))
    for before, after in zip(spec.contact_spheres, shod.contact_spheres, strict=True):
        drop = {"heel": 0.044, "front": 0.036}[before.name]
        assert after.location[1] == pytest.approx(before.location[1] - drop)
        assert (after.location[0], after.location[2], after.radius) == (before.location[0], before.location[2],
                                                                        before.radius)
    assert shod.muscles == spec.muscles and shod.contact == spec.contact


def test_compliant_tendons_and_a_tendon_strain_change_only_the_named_muscles(spec):
    changed = variant(compliant_tendons=("vasti",), tendon_strain={"vasti": 0.08})
    for before, after in zip(spec.muscles, changed.muscles, strict=True):
        if before.name == "vasti":
            assert after.compliant_tendon and not before.compliant_tendon
            assert after.tendon_strain_at_one_norm_force == 0.08
            assert after.tendon_slack_length == before.tendon_slack_length
        else:
            assert after == before
    with pytest.raises(SystemExit, match="vastus"):
        variant(compliant_tendons=("vastus",))
    with pytest.raises(SystemExit, match="quadriceps"):
        variant(tendon_strain={"quadriceps": 0.08})


def test_the_added_adductors_flex_the_extended_hip_with_a_rule_made_tendon(spec):
    """The lumped adductor longus and brevis flexes the hip from 30 deg of extension to 30 deg of
    flexion (as adductor longus does in the sagittal plane), and its tendon slack length comes from the
    model's operating-range rule, so its fibre is at optimal length mid-range, not gait2392's 0.11 m."""
    import numpy as np

    from sim.cas.model import CasadiModel
    from sim.model.geometry import COORDINATES

    with_adductors = variant(adductors=True)
    assert len(with_adductors.muscles) == len(spec.muscles) + 1
    added = with_adductors.muscles[-1]
    assert added.name == "adductors" and added.tendon_slack_length != 0.11
    model = CasadiModel(with_adductors)
    i = model.muscle_names.index("adductors_r")
    hip = COORDINATES.index("hip_flexion_r")
    for hip_deg in (-30.0, -20.0, 0.0, 30.0):
        q = np.zeros(len(COORDINATES))
        q[hip] = np.radians(hip_deg)
        _, _, arms = model.muscle_geometry(q, np.zeros_like(q))
        arm = float(np.asarray(arms).reshape(model.n_muscles, len(COORDINATES))[i, hip])
        assert 0.01 < arm < 0.08, (hip_deg, arm)


@pytest.mark.parametrize("text", ["0.04", "a,b", ""])
def test_a_malformed_sole_is_refused(text):
    from sim.apps.realism_diagnostics import parse_sole

    with pytest.raises((argparse.ArgumentTypeError, ValueError)):
        parse_sole(text)


def test_the_brim_variant_gives_gait2392s_iliopsoas_arms_and_keeps_the_thomas_calibration(spec):
    """With gait2392's lower brim points kept, iliacus and psoas have gait2392's hip flexion moment
    arms over the running range (OpenSim 4.6 on gait2392_millard2012muscle.osim: iliacus 3.13, 3.44,
    3.94, 4.26 cm and psoas 3.05, 3.35, 3.85, 4.21 cm at -30, -20, 0, 20 deg; without them 2.0 and
    2.1 cm at -30 deg), and the re-derived capsule still makes the healthy Thomas test read its mean."""
    import numpy as np

    from sim.apps.realism_diagnostics import with_iliopsoas_brim
    from sim.calibration.rules import HEALTHY_THOMAS_DEG
    from sim.calibration.thomas import thomas_test
    from sim.cas.model import CasadiModel
    from sim.model.geometry import COORDINATES

    brim = with_iliopsoas_brim(spec)
    model = CasadiModel(brim)
    hip = COORDINATES.index("hip_flexion_r")
    gait2392 = {"iliacus_r": (3.13, 3.44, 3.94, 4.26), "psoas_r": (3.05, 3.35, 3.85, 4.21)}
    for k, hip_deg in enumerate((-30.0, -20.0, 0.0, 20.0)):
        q = np.zeros(len(COORDINATES))
        q[hip] = np.radians(hip_deg)
        arms = np.asarray(model.muscle_geometry(q, np.zeros_like(q))[2])
        for name, expected in gait2392.items():
            assert 100 * arms[model.muscle_names.index(name), hip] == pytest.approx(expected[k], abs=0.01)
    assert thomas_test(brim, 1.0).thomas_angle_deg == pytest.approx(HEALTHY_THOMAS_DEG, abs=0.05)


def test_muscle_effort_is_the_integral_of_squared_activation_per_metre():
    from types import SimpleNamespace

    import numpy as np

    from sim.apps.measured_cost import muscle_effort

    time = np.linspace(0.0, 0.4, 41)
    activation = np.column_stack([np.full_like(time, 0.5), time / 0.4])  # constant, and a ramp 0 -> 1
    effort = muscle_effort(SimpleNamespace(speed=3.5, time=time, activation=activation))
    distance = 3.5 * 0.4
    assert effort[0] == pytest.approx(0.25 * 0.4 / distance)
    assert effort[1] == pytest.approx(0.4 / 3 / distance, rel=1e-3)  # integral of (t/T)^2 is T/3


def test_an_ipopt_option_reads_numbers_as_numbers_and_words_as_words():
    assert ipopt_option("obj_scaling_factor=100") == ("obj_scaling_factor", 100)
    assert ipopt_option("mu_init=1e-6") == ("mu_init", 1e-6)
    assert ipopt_option("mu_strategy=monotone") == ("mu_strategy", "monotone")
    for text in ("obj_scaling_factor", "=100"):
        with pytest.raises(argparse.ArgumentTypeError, match="OPTION=VALUE"):
            ipopt_option(text)
