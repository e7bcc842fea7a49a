"""Tissue loads: Newton-Euler joint reactions against statics and against OpenSim; one-sided
knobs and the stride seen from the other side."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.geometry import default_pose
from sim.model.spec import COORDINATES, ModelSpecError
from sim.results.loads import joint_reaction, lumbar_loads, subtree
from sim.stride.trajectory import Trajectory


def _standing(spec, muscle_force: dict[str, float] | None = None) -> Trajectory:
    """The model standing still on both feet, each carrying half its weight, muscles as given."""
    q = np.array([default_pose(spec)[c] for c in COORDINATES])[None, :].repeat(2, axis=0)
    muscles = spec.muscle_names()
    force = np.zeros((2, len(muscles)))
    for name, value in (muscle_force or {}).items():
        force[:, muscles.index(name)] = value
    weight = -spec.mass * spec.gravity
    grf = {s: np.array([[0.0, weight / 2, 0.0]] * 2) for s in "rl"}
    return Trajectory(time=np.array([0.0, 1.0]), q=q, qd=np.zeros_like(q), qdd=np.zeros_like(q),
                      activation=np.zeros_like(force), muscles=muscles, speed=0.0, body_weight=weight,
                      muscle_force=force, grf=grf)


def test_standing_still_the_joints_carry_the_weight_above_them(spec):
    fs = _standing(spec)
    g = -spec.gravity
    leg = sum(spec.body_mass(b) for b in subtree(spec, "hip_r"))
    hip = joint_reaction(spec, fs, "hip_r")[0]
    # the pelvis pushes the thigh down with the weight above the hip, half on each leg
    assert hip == pytest.approx([0.0, -(spec.mass * g / 2 - leg * g)], abs=1e-6)
    torso = sum(spec.body_mass(b) for b in subtree(spec, "back"))
    assert lumbar_loads(spec, fs)["compression"][0] == pytest.approx(torso * g, rel=1e-9)


def test_a_muscle_across_the_back_presses_the_trunk_onto_the_pelvis(spec):
    """The erector spinae's pull crosses the lumbar joint: the joint pushes back with it."""
    relaxed = lumbar_loads(spec, _standing(spec))["compression"][0]
    pulled = lumbar_loads(spec, _standing(spec, {"ercspn_r": 500.0, "ercspn_l": 500.0}))["compression"][0]
    assert 800.0 < pulled - relaxed <= 1000.0
    # a muscle that does not cross the lumbar joint leaves it alone
    assert lumbar_loads(spec, _standing(spec, {"vasti_r": 2000.0}))["compression"][0] == pytest.approx(relaxed)


@pytest.fixture(scope="module")
def one_sided_stride(spec):
    from sim.stride.problem import StrideProblem

    problem = StrideProblem(spec, n_intervals=20, symmetric=False)
    solution = problem.solve(3.5, {"glute_strength_l": 0.5, "hip_flexor_stiffness_r": 2.5}, print_level=0)
    assert solution.report.converged
    return problem, solution


def test_one_sided_knobs_need_a_full_stride(spec):
    from sim.stride.problem import StrideProblem

    with pytest.raises(ModelSpecError, match="full-stride"):
        StrideProblem(spec, n_intervals=10).solve(3.5, {"glute_strength_l": 0.5}, max_iter=1)
    from sim.run.config import make_config

    with pytest.raises(ModelSpecError, match="symmetric = false"):
        make_config(knobs={"glute_strength_r": 0.5})
    assert make_config(knobs={"glute_strength_r": 0.5}, symmetric=False).knobs == {"glute_strength_r": 0.5}


def test_the_stride_from_the_other_side(one_sided_stride):
    """Seen from the other side, the left leg's numbers are the right leg's of the mirror image."""
    from sim.results.metrics import compute_metrics

    problem, solution = one_sided_stride
    trajectory = solution.trajectory
    mirrored = trajectory.mirrored()
    assert mirrored.knobs["glute_strength_r"] == 0.5 and mirrored.knobs["hip_flexor_stiffness_l"] == 2.5
    twice = mirrored.mirrored()
    assert np.array_equal(twice.q, trajectory.q) and twice.knobs == trajectory.knobs
    right = compute_metrics(trajectory.full_stride(problem.model))
    left = compute_metrics(mirrored.full_stride(problem.model))
    assert right["stride_time_s"] == pytest.approx(left["stride_time_s"])
    assert right["peak_hip_extension_deg"] != pytest.approx(left["peak_hip_extension_deg"], abs=0.1)


@pytest.mark.opensim
def test_joint_reactions_agree_with_opensim(spec, one_sided_stride, tmp_path):
    """The Newton-Euler reactions equal OpenSim's (the JointReaction analysis's quantity) on a
    solved one-sided stride, with the knobs' own muscles in the exported model."""
    from sim.model.knobs import apply_knobs
    from sim.osim.bridge import run_opensim

    problem, solution = one_sided_stride
    fs = solution.trajectory.full_stride(problem.model)
    joints = ["back", "hip_r", "hip_l"]
    path = run_opensim("export", spec=apply_knobs(spec, fs.knobs).model_dump(), path=str(tmp_path / "m.osim"))
    reference = run_opensim("joint_reactions", model_path=path, q=fs.q, qd=fs.qd, qdd=fs.qdd, muscle_names=fs.muscles,
                            muscle_force=fs.muscle_force, joints=joints)
    assert reference["max_acceleration_error"] < 1e-8  # OpenSim moved exactly as the stride did
    for joint in joints:
        mine = joint_reaction(spec, fs, joint)
        assert np.abs(mine - reference[joint]).max() < 1e-5 * fs.body_weight, joint
        assert np.linalg.norm(reference[joint], axis=1).max() > 2.0 * fs.body_weight  # loads of running
