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
