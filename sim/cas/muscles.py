"""De Groote-Fregly 2016 muscle-tendon model, the same curves as OpenSim's DeGrooteFregly2016Muscle.

De Groote F, Kinney AL, Rao AV, Fregly BJ (2016) Evaluation of direct collocation optimal
control problem formulations for solving the muscle redundancy problem. Ann Biomed Eng
44:2922-2936. Constants are those of the paper (and of OpenSim's implementation, which
tests compare against). Functions are written for CasADi SX/MX and work on floats too.
"""

from __future__ import annotations

import math

import casadi as ca

# Active force-length: sum of three Gaussian-like curves (paper, Supplement, Eq. S2).
_ACTIVE_FL = (
    (0.8150671134243542, 1.055033428970575, 0.162384573599574, 0.063303448465465),
    (0.433004984392647, 0.716775413397760, -0.029947116970696, 0.200356847296188),
    (0.1, 1.0, 0.353553390593274, 0.0),
)
# Force-velocity (Eq. S4) constants.
_D1, _D2, _D3, _D4 = -0.3211346127989808, -8.149, -0.374, 0.8825327733249912
# Tendon force-length: OpenSim's constants (c2 = c3 = 0.2 so that f_T(1) = 0 exactly; the
# paper's 0.995/0.250 leave a small force at slack length). We follow OpenSim.
_C1, _C2, _C3 = 0.200, 1.0, 0.200
_K_PASSIVE = 4.0
MIN_NORM_FIBER_LENGTH = 0.2


def active_force_length(norm_fiber_length):
    """Active force-length multiplier f_L(l~M)."""
    x = norm_fiber_length
    return sum(b1 * ca.exp(-0.5 * (x - b2) ** 2 / (b3 + b4 * x) ** 2) for b1, b2, b3, b4 in _ACTIVE_FL)


def passive_force_length(norm_fiber_length, strain_at_one_norm_force):
    """Passive fibre force multiplier; equals 1 at l~M = 1 + strain, 0 at l~M = 0.2."""
    e0 = strain_at_one_norm_force
    offset = ca.exp(_K_PASSIVE * (MIN_NORM_FIBER_LENGTH - 1.0) / e0)
    return ((ca.exp(_K_PASSIVE * (norm_fiber_length - 1.0) / e0) - offset)
            / (ca.exp(_K_PASSIVE) - offset))


def force_velocity(norm_fiber_velocity):
    """Force-velocity multiplier; v~ = fibre velocity / (v_max * optimal fibre length)."""
    z = _D2 * norm_fiber_velocity + _D3
    return _D1 * ca.log(z + ca.sqrt(z * z + 1.0)) + _D4


def force_velocity_inverse(multiplier):
    """Normalized fibre velocity that gives the force-velocity ``multiplier``."""
    return (ca.sinh((multiplier - _D4) / _D1) - _D3) / _D2


def tendon_stiffness(strain_at_one_norm_force: float) -> float:
    """Shape factor k_T of the tendon curve so that f_T = 1 at the given strain."""
    return math.log((1.0 + _C3) / _C1) / (1.0 + strain_at_one_norm_force - _C2)


def tendon_force_length(norm_tendon_length, strain_at_one_norm_force: float):
    """Normalized tendon force f_T(l~T); l~T = tendon length / tendon slack length."""
    k_t = tendon_stiffness(strain_at_one_norm_force)
    return _C1 * ca.exp(k_t * (norm_tendon_length - _C2)) - _C3


def tendon_length_from_force(norm_tendon_force, strain_at_one_norm_force: float):
    """Inverse of :func:`tendon_force_length`."""
    k_t = tendon_stiffness(strain_at_one_norm_force)
    return ca.log((norm_tendon_force + _C3) / _C1) / k_t + _C2


def tendon_force_slope(norm_tendon_length, strain_at_one_norm_force: float):
    """d f_T / d l~T."""
    k_t = tendon_stiffness(strain_at_one_norm_force)
    return _C1 * k_t * ca.exp(k_t * (norm_tendon_length - _C2))
