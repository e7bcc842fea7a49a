"""Scaling rules, static-trial scaling through OpenSim's ScaleTool, and the Thomas-test knob."""

from __future__ import annotations

import numpy as np
import pytest

from sim.calibration.thomas import thomas_test
from sim.model.geometry import muscle_lengths
from sim.model.scaling import scale_to_height_mass
from sim.model.spec import COORDINATES
from sim.osim.subject import scale_from_static_trial


def test_height_mass_scaling_rules(spec):
    scaled = scale_to_height_mass(spec, 1.62, 55.0)
    factor = 1.62 / spec.generic_subject.height
    assert sum(scaled.body_mass(b.name) for b in scaled.bodies_expanded()) == pytest.approx(55.0)
    knee = next(j for j in scaled.joints if j.name == "knee_r")
    assert knee.location_in_parent[1] == pytest.approx(-0.396 * factor)
    neutral = {c: 0.0 for c in COORDINATES}
    before, after = muscle_lengths(spec, neutral), muscle_lengths(scaled, neutral)
    for m0, m1 in zip(spec.muscles_expanded(), scaled.muscles_expanded(), strict=False):
        assert m1.optimal_fiber_length / after[m1.name] == pytest.approx(m0.optimal_fiber_length / before[m0.name])
        assert m1.tendon_slack_length / after[m1.name] == pytest.approx(m0.tendon_slack_length / before[m0.name])
        assert m1.max_isometric_force == pytest.approx(m0.max_isometric_force * 55.0 / spec.mass)


@pytest.mark.opensim
def test_static_trial_scaling_with_scaletool(spec, static_trial, tmp_path):
    scaled, report = scale_from_static_trial(spec, static_trial, 65.9, work_dir=tmp_path)
    assert scaled.mass == 65.9
    assert all(0.9 < f < 1.2 for f in report.factors.values()), report.factors
    # the subject (1.83 m) is taller than the generic model: legs scale up
    assert report.factors["femur_r"] > 1.0 and report.factors["tibia_r"] > 1.0
    # scaling reduces the marker error against the real static trial
    assert report.marker_rms < report.marker_rms_generic
    assert report.marker_rms < 0.05


@pytest.fixture(scope="module")
def thomas_angles(spec):
    return {k: thomas_test(spec, k).thomas_angle_deg for k in (1.0, 2.0, 3.0, 4.0)}


def test_thomas_angle_rises_with_stiffness(thomas_angles):
    values = [thomas_angles[k] for k in sorted(thomas_angles)]
    assert all(b > a + 3.0 for a, b in zip(values, values[1:], strict=False)), values


def test_healthy_is_the_athletes_mean_and_tightest_three_sd_tighter(thomas_angles):
    """Harvey (1998): modified Thomas test of 117 healthy athletes, -11.9 deg (SD 9)."""
    from sim.calibration.rules import HEALTHY_THOMAS_DEG, THOMAS_SD_DEG, TIGHTEST_SD

    assert thomas_angles[1.0] == pytest.approx(HEALTHY_THOMAS_DEG, abs=0.3)
    assert thomas_angles[4.0] == pytest.approx(HEALTHY_THOMAS_DEG + TIGHTEST_SD * THOMAS_SD_DEG, abs=0.3)


def test_healthy_hip_allows_running_extension(spec):
    """At the toe-off posture of running (hip -25 deg, knee 20 deg) the healthy passive hip-flexion
    moment is a fraction of what the hip extensors can produce, and tightness raises it."""
    from sim.cas.model import CasadiModel

    model = CasadiModel(spec)
    q = np.zeros(len(COORDINATES))
    q[COORDINATES.index("hip_flexion_r")] = np.radians(-25)
    q[COORDINATES.index("knee_angle_r")] = np.radians(20)
    n = model.n_muscles
    zeros = np.zeros(len(COORDINATES))
    lmt, vmt, arms = model.muscle_geometry(q, zeros)
    hip = COORDINATES.index("hip_flexion_r")

    def passive_hip_moment(stiffness: float) -> float:
        force = model.muscle_tendon(lmt, vmt, np.zeros(n), np.full(n, 0.05), np.zeros(n),
                                    model.knob_vector({"hip_flexor_stiffness": stiffness}))[0]
        return float((np.array(arms).T @ np.array(force)).ravel()[hip]
                     + np.array(model.passive_moments(q, zeros)).ravel()[hip])

    arm = np.array(arms)[:, hip]
    extensors = arm < -0.005  # m: muscles that extend the hip here
    fmax = np.array([m.max_isometric_force for m in model.muscles])
    max_extension_moment = float(np.sum(fmax[extensors] * -arm[extensors]))
    assert 0.0 < passive_hip_moment(1.0) < 0.25 * max_extension_moment
    assert passive_hip_moment(4.0) > 2 * passive_hip_moment(1.0)


@pytest.mark.parametrize("height,mass", [(1.60, 50.0), (1.95, 100.0)])
def test_the_thomas_test_reads_the_same_at_every_runner_size(spec, height, mass):
    """Passive joint moments scale like the muscles' moments (mass x length) and the contracture
    with the muscle-tendon unit, so a scaled runner's hanging leg rests where the generic one's does."""
    scaled = scale_to_height_mass(spec, height, mass)
    for knob in (1.0, 4.0):
        assert thomas_test(scaled, knob).thomas_angle_deg == pytest.approx(thomas_test(spec, knob).thomas_angle_deg,
                                                                           abs=0.2)
    capsule = next(p for p in scaled.passive_moments if p.structure == "capsule")
    generic = next(p for p in spec.passive_moments if p.structure == "capsule")
    assert capsule.k3 == pytest.approx(generic.k3 * mass / spec.mass * height / spec.height, rel=1e-9)
