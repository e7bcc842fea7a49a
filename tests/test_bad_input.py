"""Bad input gets a clear error naming the field and the allowed range, before any work."""

from __future__ import annotations

import re

import pytest

from sim.model.knobs import validate_knobs
from sim.model.scaling import scale_to_height_mass
from sim.model.spec import DEFAULT_MODEL, ModelSpecError, load_spec
from sim.model.trc import check_static_trial, read_trc
from sim.osim.subject import STATIC_TRIAL_MARKERS


def _variant(tmp_path, old: str, new: str):
    text = DEFAULT_MODEL.read_text()
    assert old in text
    path = tmp_path / "model.toml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_missing_model_file(tmp_path):
    with pytest.raises(ModelSpecError, match="model file not found"):
        load_spec(tmp_path / "nope.toml")


def test_malformed_toml(tmp_path):
    with pytest.raises(ModelSpecError, match="not valid TOML"):
        load_spec(_variant(tmp_path, "gravity = -9.80665", "gravity = = -9.8"))


def test_negative_max_force_names_the_field(tmp_path):
    with pytest.raises(ModelSpecError, match=r"muscles\.0\.max_isometric_force.*greater than 0"):
        load_spec(_variant(tmp_path, "max_isometric_force = 4105.0", "max_isometric_force = -4105.0"))


def test_missing_parameter_names_the_field(tmp_path):
    with pytest.raises(ModelSpecError, match=r"muscles\.0\.optimal_fiber_length.*Field required"):
        load_spec(_variant(tmp_path, "optimal_fiber_length = 0.109\n", ""))


def test_non_physical_mass_fraction(tmp_path):
    with pytest.raises(ModelSpecError, match="mass fractions"):
        load_spec(_variant(tmp_path, "mass_fraction = 0.1117", "mass_fraction = 0.2117"))


def test_uncited_parameter(tmp_path):
    with pytest.raises(ModelSpecError, match="source 'nobody' is not defined"):
        load_spec(_variant(tmp_path, 'source = "falisse2019"', 'source = "nobody"'))


def test_unknown_muscle_in_knob(tmp_path):
    with pytest.raises(ModelSpecError, match="knob 'glute_strength': unknown muscle 'glut_maxx'"):
        load_spec(_variant(tmp_path, 'muscles = ["glut_max"]', 'muscles = ["glut_maxx"]'))


def test_unknown_coordinate(tmp_path):
    with pytest.raises(ModelSpecError, match="unknown coordinate 'hip_flex_r'"):
        load_spec(_variant(tmp_path, 'coordinate = "hip_flexion_r"', 'coordinate = "hip_flex_r"'))


@pytest.mark.parametrize("knobs,message", [
    ({"glute_strength": 0.0}, r"glute_strength.*\(0.0, 1.0\]"),
    ({"glute_strength": 1.2}, r"glute_strength.*\(0.0, 1.0\]"),
    ({"hip_flexor_stiffness": -1.5}, r"hip_flexor_stiffness.*\[-1.0, 5.0\]"),
    ({"quad_strength": 0.5}, "unknown knob"),
])
def test_knob_values_are_checked(spec, knobs, message):
    with pytest.raises(ModelSpecError, match=message):
        validate_knobs(spec, knobs)


@pytest.mark.parametrize("height,mass,message", [
    (2.8, 70, r"height = 2.8 m.*\[1.0, 2.3\]"), (1.8, 10, r"mass = 10 kg.*\[25.0, 200.0\]"),
    (1.0, 190, "body-mass index"),
])
def test_subject_outside_human_range(spec, height, mass, message):
    with pytest.raises(ModelSpecError, match=message):
        scale_to_height_mass(spec, height, mass)


def _trc_with(tmp_path, static_trial, transform):
    path = tmp_path / "trial.trc"
    path.write_text(transform(static_trial.read_text()))
    return path


def test_marker_file_missing_required_markers(tmp_path, static_trial):
    path = _trc_with(tmp_path, static_trial, lambda t: t.replace("R.Knee.Lat", "R.Knee.Xyz"))
    with pytest.raises(ModelSpecError, match="required marker.*R.Knee.Lat"):
        check_static_trial(read_trc(path), STATIC_TRIAL_MARKERS, str(path))


def test_marker_file_with_wrong_units(tmp_path, static_trial):
    # millimetre data declared as metres: the pelvis would be 250 m wide
    path = _trc_with(tmp_path, static_trial, lambda t: re.sub(r"\tmm\t", "\tm\t", t, count=1))
    with pytest.raises(ModelSpecError, match="R.ASIS-L.ASIS distance.*Units"):
        check_static_trial(read_trc(path), STATIC_TRIAL_MARKERS, str(path))


def test_marker_file_missing(tmp_path):
    with pytest.raises(ModelSpecError, match="marker file not found"):
        read_trc(tmp_path / "none.trc")
