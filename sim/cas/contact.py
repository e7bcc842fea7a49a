"""Smooth Hunt-Crossley sphere/half-space contact, the formulas of Simbody's SmoothSphereHalfSpaceForce.

The floor is the half-space y < 0 (OpenSim ContactHalfSpace on ground, orientation
(0, 0, -pi/2)); its inward normal is -y. Friction uses Simbody's ``min(v/v_t, 1)``, so the
force is continuous but has a kink at the transition velocity, as in OpenSim.
"""

from __future__ import annotations

import casadi as ca

from sim.model.spec import ContactParameters


def station_slip(centre: ca.SX, centre_velocity: ca.SX, body_angular_velocity: ca.SX,
                 radius: float) -> tuple[ca.SX, ca.SX, ca.SX]:
    """Indentation, lever (centre to contact station) and horizontal slip velocity of the station."""
    indentation = radius - centre[1]
    # the station sits below the centre at (R - indentation/2); its velocity adds omega x r
    lever = radius - 0.5 * indentation
    return indentation, lever, centre_velocity[0] + body_angular_velocity * lever


def sphere_force(centre: ca.SX, centre_velocity: ca.SX, body_angular_velocity: ca.SX,
                 radius: float, params: ContactParameters) -> tuple[ca.SX, ca.SX]:
    """Force (x, y) on the sphere and its point of application (x, y), both in ground.

    ``centre``/``centre_velocity`` are the sphere centre's ground position and velocity
    (2-vectors); the force acts at Simbody's adjusted contact point, a body-fixed station.
    """
    indentation, lever, slip_velocity_x = station_slip(centre, centre_velocity, body_angular_velocity, radius)
    normal_velocity = -centre_velocity[1]  # positive when moving into the floor

    stiffness = 0.5 * params.stiffness ** (2.0 / 3.0)
    cf = params.constant_contact_force
    hertz = (4.0 / 3.0) * stiffness * ca.sqrt(radius * stiffness) * ca.sqrt(indentation ** 2 + cf) ** 1.5
    hertz = hertz * (0.5 + 0.5 * ca.tanh(params.hertz_smoothing * indentation))
    c = params.dissipation
    normal = hertz * (1.0 + 1.5 * c * normal_velocity)
    if c > 0:
        normal = normal * (0.5 + 0.5 * ca.tanh(params.hunt_crossley_smoothing
                                               * (normal_velocity + 2.0 / (3.0 * c))))
    slip = ca.sqrt(slip_velocity_x ** 2 + cf)
    relative = slip / params.transition_velocity
    mu_s, mu_d, mu_v = params.static_friction, params.dynamic_friction, params.viscous_friction
    friction = normal * (ca.fmin(relative, 1.0) * (mu_d + 2.0 * (mu_s - mu_d) / (1.0 + relative ** 2))
                         + mu_v * slip)
    force = ca.vertcat(-friction * slip_velocity_x / slip, normal)
    point = ca.vertcat(centre[0], centre[1] - lever)
    return force, point
