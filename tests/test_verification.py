"""The CasADi rendering equals OpenSim (the reference, run in a child process)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.knobs import apply_knobs
from sim.osim.bridge import run_opensim
from sim.osim.verification import compare

pytestmark = pytest.mark.opensim


@pytest.fixture(scope="module")
def healthy(spec):
    return compare(spec, n_states=200, seed=1)


def test_inverse_dynamics_agree(healthy):
    agreement, raw = healthy
    diff = np.abs(raw["casadi"]["skeleton_id"] - raw["opensim"]["skeleton_id"])
    scale = np.maximum(np.abs(raw["opensim"]["skeleton_id"]), 1.0)
    assert np.all(diff / scale <= 1e-6), agreement  # 1e-6 relative, or 1e-6 N m below 1 N m
    assert agreement.passive_contact_id_abs <= 1e-6 * max(1.0, np.abs(raw["opensim"]["passive_contact_id"]).max())


def test_muscle_geometry_agrees(healthy):
    agreement, _ = healthy
    assert agreement.muscle_length_abs <= 1e-4  # 0.1 mm, paths are exact
    assert agreement.moment_arm_abs <= 1e-3  # 1 mm
    assert agreement.muscle_velocity_abs <= 1e-6


def test_muscle_and_contact_forces_agree(healthy):
    agreement, raw = healthy
    ref, mine = raw["opensim"]["tendon_force"], raw["casadi"]["tendon_force"]
    assert np.all(np.abs(mine - ref) <= 1e-6 * np.maximum(np.abs(ref), 1.0))
    assert agreement.sphere_force_rel <= 1e-6
    assert agreement.equilibrium_checked > 100 and agreement.equilibrium_residual <= 1e-6
    # the states exercise contact: some spheres carry body-weight-scale loads
    assert raw["opensim"]["sphere_force"][..., 1].max() > 300.0


def test_knobs_change_both_renderings_identically(spec, healthy):
    knobs = {"hip_flexor_stiffness": 3.0, "glute_strength": 0.4, "rectus_femoris_stiffness": 3.5}
    agreement, raw = compare(spec, n_states=40, seed=1, knobs=knobs)
    ref = raw["opensim"]["tendon_force"]
    assert np.all(np.abs(raw["casadi"]["tendon_force"] - ref) <= 1e-6 * np.maximum(np.abs(ref), 1.0))
    # and the knobs do change the forces of exactly the muscles they name
    _, base = healthy
    names = raw["opensim"]["muscle_names"]
    same_states = compare(spec, n_states=40, seed=1)[1]["opensim"]["tendon_force"]
    changed = {names[j] for j in range(len(names)) if not np.allclose(ref[:, j], same_states[:, j])}
    assert changed == {"glut_max_r", "glut_max_l", "iliacus_r", "iliacus_l", "psoas_r", "psoas_l", "rect_fem_r",
                       "rect_fem_l"}


def test_one_sided_knobs_change_one_side_in_both_renderings(spec):
    """A tight right iliopsoas and a weak left gluteus: the exported .osim carries each side's own
    parameters, CasADi agrees with it, and only those sides' muscles change."""
    knobs = {"hip_flexor_stiffness_r": 3.0, "glute_strength_l": 0.4}
    agreement, raw = compare(spec, n_states=40, seed=2, knobs=knobs)
    ref = raw["opensim"]["tendon_force"]
    assert np.all(np.abs(raw["casadi"]["tendon_force"] - ref) <= 1e-6 * np.maximum(np.abs(ref), 1.0))
    names = raw["opensim"]["muscle_names"]
    same_states = compare(spec, n_states=40, seed=2)[1]["opensim"]["tendon_force"]
    changed = {names[j] for j in range(len(names)) if not np.allclose(ref[:, j], same_states[:, j])}
    assert changed == {"glut_max_l", "iliacus_r", "psoas_r"}


def test_osim_round_trip(spec, tmp_path):
    knobbed = apply_knobs(spec, {"glute_strength": 0.7})
    path = run_opensim("export", spec=knobbed.model_dump(), path=str(tmp_path / "m.osim"))
    back = run_opensim("read_parameters", path=path)
    for m in knobbed.muscles_expanded():
        r = back["muscles"][m.name]
        assert r["max_isometric_force"] == pytest.approx(m.max_isometric_force, rel=1e-12)
        assert r["optimal_fiber_length"] == pytest.approx(m.optimal_fiber_length, rel=1e-12)
        assert r["tendon_slack_length"] == pytest.approx(m.tendon_slack_length, rel=1e-12)
        assert r["pennation_angle"] == pytest.approx(m.pennation_angle, rel=1e-12)
        assert r["compliant_tendon"] == m.compliant_tendon
        assert [p[0] for p in r["path"]] == [p.body for p in m.path]
        assert np.allclose([p[1] for p in r["path"]], [p.location for p in m.path], atol=1e-12)
    for b in knobbed.bodies_expanded():
        assert back["bodies"][b.name]["mass"] == pytest.approx(knobbed.body_mass(b.name), rel=1e-12)
    assert set(back["markers"]) == {m.name for m in knobbed.markers_expanded()}
