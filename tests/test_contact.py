"""The ground contact law: Coulomb friction of a shod foot, the same coefficient at every sliding speed."""

from __future__ import annotations

import casadi as ca
import numpy as np
import pytest

from sim.cas.contact import sphere_force


def _force(spec, slip_speed: float, indentation: float = 0.005) -> tuple[float, float]:
    sphere = spec.contact_spheres[0]
    centre = ca.DM([0.0, sphere.radius - indentation])
    velocity = ca.DM([slip_speed, 0.0])
    force, _ = sphere_force(centre, velocity, ca.DM(0.0), sphere.radius, spec.contact)
    fx, fy = (float(v) for v in np.array(ca.evalf(force)).ravel())
    return fx, fy


def test_a_sliding_shoe_feels_one_friction_coefficient_at_every_speed(spec):
    """Shoe-surface friction is a coefficient (traction 0.7-0.82 for shod athletes), not a force that
    grows with sliding speed: a viscous term made a foot sliding at 5.7 m/s brake with 3.6 x its load."""
    ratios = [abs(fx) / fy for fx, fy in (_force(spec, v) for v in (0.5, 1.0, 3.0, 6.0))]
    assert ratios == pytest.approx([spec.contact.dynamic_friction] * 4, rel=1e-3)
    assert 0.7 <= spec.contact.dynamic_friction <= 0.82
    assert spec.contact.viscous_friction == 0.0


def test_friction_opposes_sliding_and_a_foot_at_rest_feels_none(spec):
    forward, backward = _force(spec, 2.0), _force(spec, -2.0)
    assert forward[0] < 0 < backward[0] and forward[1] > 0
    assert abs(_force(spec, 0.0)[0]) < 1e-3 * forward[1]


def test_the_no_skid_limit_is_part_of_the_default_formulation():
    """A loaded foot may slide at most as fast as measured feet move at touchdown (recorded in
    every run's formulation, the same at every knob, speed and subject)."""
    from sim.stride.problem import DEFAULT_MAX_LOADED_SLIP, formulation

    assert formulation()["max_loaded_slip"] == DEFAULT_MAX_LOADED_SLIP
    assert 0.7 <= DEFAULT_MAX_LOADED_SLIP <= 1.5
    # the diagnostic slip-load limit is recorded only where it is used
    assert "max_slip_load" not in formulation()
    assert formulation(max_loaded_slip=None, max_slip_load=1.0)["max_slip_load"] == 1.0


def test_the_slip_load_limit_lets_a_light_sphere_slide_and_holds_a_loaded_one(spec):
    """slip x load (BW) <= P: a sphere at a quarter body weight may slide 4 m/s, one at two body
    weights not 1 m/s."""
    from types import SimpleNamespace

    from sim.cas.model import CasadiModel
    from sim.stride.constraints import loaded_slip_load_limit

    model = CasadiModel(spec)
    limit = loaded_slip_load_limit(model, 1.0)
    n = len(model.spheres)
    assert limit.labels == [f"slip-load limit of {s.name}" for s in model.spheres]

    def value(load_bw: float, slip: float) -> np.ndarray:
        node = SimpleNamespace(normal_force_bw=ca.DM.ones(1, n) * load_bw, slip=ca.DM.ones(1, n) * slip)
        return np.asarray(ca.DM(limit.expression(node))).ravel()

    assert np.all(value(0.25, 3.9) <= 0.0) and np.all(value(2.0, 1.0) > 0.0)


def test_the_measured_heel_slows_as_it_takes_load():
    """The measured runner's heel marker, read over the treadmill belt at every right strike: the
    belt's speed comes out as the treadmill's (3.9 m/s), and the heel comes to rest on it as the
    load builds (faster at 0.25 body weights than at 1.0). A wrong belt sign or frame would break both."""
    from sim.apps.touchdown import LOAD_LEVELS, measured_touchdown
    from sim.data.measured import TREADMILL_SPEED

    touchdown = measured_touchdown()
    assert touchdown.n_strikes >= 10
    assert touchdown.ground_speed == pytest.approx(TREADMILL_SPEED, abs=0.15)
    mean = np.nanmean(touchdown.forward, axis=0)
    assert list(LOAD_LEVELS) == sorted(LOAD_LEVELS)
    assert np.all(np.diff(mean) < 0), mean
    assert 0.0 < mean[-1] < mean[0] < TREADMILL_SPEED
    # the heel lands gently: at a quarter body weight it hardly moves vertically any more
    assert abs(np.nanmean(touchdown.vertical[:, 0])) < 0.2


def test_an_impact_on_the_contact_loses_more_energy_with_dissipation_and_speed(spec):
    """Hunt-Crossley hysteresis: without dissipation a bounce keeps its energy; with it the loss
    grows with the dissipation and with the impact speed (the force's damping part is c x speed)."""
    from sim.apps.touchdown import impact_energy_loss

    heel = max(spec.contact_spheres, key=lambda sphere: sphere.radius)

    def loss(dissipation: float, speed: float) -> float:
        return impact_energy_loss(spec.contact.model_copy(update={"dissipation": dissipation}), heel.radius, speed)

    assert loss(0.0, 1.0) < 0.02
    assert loss(0.2, 0.5) < loss(0.2, 1.0) < loss(2.0, 1.0) < 1.0
