"""The clinic's knee reading of the modified Thomas test: optional, checked, inverted onto the
rectus femoris knob with the iliopsoas as entered, and part of the question's strides."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.apps.clinic_inputs import FIELDS, HEALTHY_MODEL_KNEE_DEG, InputError, defaults, parse_inputs
from sim.apps.clinic_scenarios import (
    check_representable,
    has_rectus_reading,
    knobs,
    plan,
    rectus_for_knee_angle,
    stiffness_for_thomas_angle,
    stride_name,
)
from sim.calibration.thomas import thomas_knee_test
from sim.model.spec import ModelSpecError


def test_the_knee_reading_is_optional_and_checked():
    healthy = parse_inputs(defaults())
    assert healthy.thomas_knee_right_deg is None and healthy.thomas_knee_left_deg is None
    measured = parse_inputs(defaults() | {"thomas_knee_right_deg": 50.04, "thomas_knee_left_deg": 50.04})
    assert measured.thomas_knee_right_deg == 50.0 and not measured.one_sided
    assert measured.key() != healthy.key() and "knee" not in healthy.key()
    assert parse_inputs(defaults() | {"thomas_knee_left_deg": 50.0}).one_sided
    with pytest.raises(InputError) as caught:
        parse_inputs(defaults() | {"thomas_knee_right_deg": 120.0})
    (error,) = caught.value.errors
    assert error["field"] == "thomas_knee_right_deg" and "[15, 90] deg" in error["message"]


def test_the_healthy_mark_is_the_models_own_reading(spec):
    """The form's 'model healthy' mark is where the generic model's hanging knee rests."""
    assert thomas_knee_test(spec, {}).knee_flexion_deg == pytest.approx(HEALTHY_MODEL_KNEE_DEG, abs=0.1)
    assert FIELDS["thomas_knee_right_deg"]["optional"] and not FIELDS["thomas_angle_right_deg"]["optional"]


@pytest.mark.parametrize("thomas_deg", [-11.9, 5.0])
def test_a_knee_angle_inverts_onto_the_rectus_knob_with_the_thigh_as_entered(spec, thomas_deg):
    stiffness = stiffness_for_thomas_angle(spec, thomas_deg)
    healthy_knee = thomas_knee_test(spec, {"hip_flexor_stiffness": stiffness}).knee_flexion_deg
    for knee in (healthy_knee - 20.0, healthy_knee - 5.0):
        rectus = rectus_for_knee_angle(spec, stiffness, knee)
        assert rectus > 1.0  # a straighter knee than healthy is a tighter rectus femoris
        reading = thomas_knee_test(spec, {"hip_flexor_stiffness": stiffness, "rectus_femoris_stiffness": rectus})
        assert reading.knee_flexion_deg == pytest.approx(knee, abs=0.02)
    assert rectus_for_knee_angle(spec, stiffness, healthy_knee) == pytest.approx(1.0, abs=1e-3)
    with pytest.raises(ModelSpecError, match="outside the range this model can represent with the thigh as entered"):
        rectus_for_knee_angle(spec, stiffness, 15.0)


def test_the_strides_of_a_question_with_a_knee_reading():
    at_healthy = parse_inputs(defaults() | {"thomas_knee_right_deg": HEALTHY_MODEL_KNEE_DEG,
                                            "thomas_knee_left_deg": HEALTHY_MODEL_KNEE_DEG})
    assert [p.key for p in plan(at_healthy)] == ["healthy"]  # the healthy reading is no impairment
    tight = parse_inputs(defaults() | {"thomas_knee_right_deg": 45.0, "thomas_knee_left_deg": 45.0,
                                       "glute_strength_right_percent": 60, "glute_strength_left_percent": 60})
    steps = plan(tight)
    assert [p.key for p in steps] == ["healthy", "hip_flexors", "glutes", "both"]
    assert steps[1].knee_deg == (45.0, 45.0) and steps[2].knee_deg == (None, None)
    hip_knobs = knobs(steps[1], tight)
    assert hip_knobs["rectus_femoris_stiffness"] > 1.0 and hip_knobs["hip_flexor_stiffness"] == 1.0
    assert "rectus_femoris_stiffness" not in knobs(steps[2], tight)
    assert "knee45.0" in stride_name(steps[1], tight, 50)
    one_side = parse_inputs(defaults() | {"thomas_knee_left_deg": 45.0})
    sided = knobs(plan(one_side)[-1], one_side)
    assert sided["rectus_femoris_stiffness_l"] > 1.0 and sided["rectus_femoris_stiffness_r"] == 1.0
    assert all(p.full_stride for p in plan(one_side))
    assert has_rectus_reading(tight) and not has_rectus_reading(at_healthy)


def test_a_reading_the_model_cannot_represent_is_refused_by_field_before_any_solve():
    inputs = parse_inputs(defaults() | {"thomas_knee_left_deg": 16.0})
    with pytest.raises(InputError) as caught:
        check_representable(inputs)
    (error,) = caught.value.errors
    assert error["field"] == "thomas_knee_left_deg" and "thigh as entered" in error["message"]
    check_representable(parse_inputs(defaults() | {"thomas_knee_left_deg": 50.0}))


def test_whatif_names_the_knee_option_and_its_range():
    run = subprocess.run([sys.executable, "-m", "sim", "whatif", "--thomas-knee", "10"], capture_output=True, text=True)
    assert run.returncode != 0
    assert "--thomas-knee" in run.stderr + run.stdout and "[15, 90] deg" in run.stderr + run.stdout
    run = subprocess.run([sys.executable, "-m", "sim", "whatif", "--thomas-knee-right", "16"], capture_output=True,
                         text=True)
    assert run.returncode != 0 and "--thomas-knee-right" in run.stderr + run.stdout
    assert "thigh as entered" in run.stderr + run.stdout
