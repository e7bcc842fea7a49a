"""Smooth muscle metabolic energy rate: Bhargava et al. (2004), smoothed for gradient-based optimal control.

Bhargava LJ, Pandy MG, Anderson FC (2004) A phenomenological model for estimating metabolic
energy consumption in muscle contraction. J Biomech 37:81-88. The hyperbolic-tangent
smoothing of the switches (shortening/lengthening, negative-work and minimum-heat clamps)
follows Falisse et al. (2019, J R Soc Interface 16:20190402) as implemented in OpenSim
Moco's ``Bhargava2004SmoothedMuscleMetabolics``.

Per muscle (SI; rates in W):

* activation heat   ``A = m (40 r_s sin(pi u / 2) + 133 r_f (1 - cos(pi u / 2)))``;
* maintenance heat  ``M = m g(l~) (74 r_s sin(pi u / 2) + 111 r_f (1 - cos(pi u / 2)))`` with
  Bhargava's piecewise-linear fibre-length dependence ``g`` (smoothed);
* shortening heat   ``S = -alpha v``, ``alpha = 0.16 F_iso + 0.18 F`` when shortening
  (``v < 0``) and ``0.157 F`` when lengthening; ``F_iso = a f_L(l~) F_max``, ``F`` the total
  fibre force (force-dependent shortening constant, OpenSim's default);
* mechanical work   ``W = -F_ce v`` for shortening only (negative work is not recovered);
* the total rate of a muscle is kept non-negative, and its heat rate at or above 1 W/kg.

``u`` is the excitation, ``r_s``/``r_f = 1 - r_s`` the slow/fast-twitch fractions,
``m = F_max / sigma * rho * l_opt`` the muscle mass with specific tension ``sigma`` = 0.25 MPa
and density ``rho`` = 1059.7 kg/m^3 (Umberger et al. 2003, J Biomech 36:1279-1290 / Uchida et
al. 2016, PLoS ONE 11:e0150378).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import casadi as ca
import numpy as np

from sim.cas import muscles as dgf
from sim.model.knobs import base_muscle_name

SPECIFIC_TENSION = 0.25e6  # Pa
MUSCLE_DENSITY = 1059.7  # kg/m^3
ACTIVATION_HEAT = (40.0, 133.0)  # W/kg, slow / fast twitch (Bhargava 2004)
MAINTENANCE_HEAT = (74.0, 111.0)  # W/kg, slow / fast twitch (Bhargava 2004)
MIN_HEAT_RATE = 1.0  # W/kg (Bhargava 2004; OpenSim's enforce_minimum_heat_rate_per_muscle)

#: Slow-twitch fibre fraction per muscle (right-side name without ``_r``/``_l``): Johnson MA,
#: Polgar J, Weightman D, Appleton D (1973) Data on the distribution of fibre types in thirty-six
#: human muscles. J Neurol Sci 18:111-129, as compiled by Uchida et al. (2016) and used by
#: Falisse et al. (2019). Lumped muscles take the mean of their parts: hamstrings = mean of
#: semimembranosus 0.4925, semitendinosus 0.425, biceps femoris long head 0.5425; vasti = mean
#: of medialis 0.503, intermedius 0.543, lateralis 0.455; gastrocnemius = mean of medial 0.566
#: and lateral 0.507. Iliacus/psoas: 0.5 (no data; Uchida's default).
SLOW_TWITCH_FRACTION: dict[str, float] = {
    "hamstrings": (0.4925 + 0.425 + 0.5425) / 3.0,
    "bifemsh": 0.529,
    "glut_max": 0.55,
    "iliacus": 0.50,
    "psoas": 0.50,
    "rect_fem": 0.3865,
    "vasti": (0.503 + 0.543 + 0.455) / 3.0,
    "gastroc": (0.566 + 0.507) / 2.0,
    "soleus": 0.803,
    "tib_ant": 0.70,
    "ercspn": 0.60,
    "extobl": 0.58,
}


def slow_twitch_fractions(names: Sequence[str]) -> np.ndarray:
    """Slow-twitch fraction of each muscle in ``names`` (KeyError for an unknown muscle)."""
    return np.array([SLOW_TWITCH_FRACTION[base_muscle_name(n)] for n in names])


def muscle_masses(max_isometric_forces: Sequence[float], optimal_fiber_lengths: Sequence[float]) -> np.ndarray:
    """Muscle masses (kg): PCSA (F_max / sigma) x density x optimal fibre length."""
    f = np.asarray(max_isometric_forces, dtype=float)
    lopt = np.asarray(optimal_fiber_lengths, dtype=float)
    return f / SPECIFIC_TENSION * MUSCLE_DENSITY * lopt


def _step(x, smoothing: float):
    """Smooth Heaviside: 0 for x << 0, 1 for x >> 0."""
    return 0.5 + 0.5 * ca.tanh(smoothing * x)


def fibre_length_dependence(norm_fiber_length, smoothing: float = 20.0):
    """Bhargava's maintenance-heat length factor, smoothed.

    Piecewise linear in the normalized fibre length l: 0.5 for l < 0.5, l up to 1,
    3 - 2 l up to 1.5, 0 beyond (OpenSim's Bhargava2004 default curve).
    """
    x = norm_fiber_length
    g = 0.5 + (x - 0.5) * _step(x - 0.5, smoothing)  # 0.5, then l
    g = g + (3.0 - 3.0 * x) * _step(x - 1.0, smoothing)  # then 3 - 2 l
    return g + (2.0 * x - 3.0) * _step(x - 1.5, smoothing)  # then 0


def bhargava2004_rates(excitation, activation, norm_fiber_length, fiber_velocity, active_fiber_force,
                       passive_fiber_force, max_isometric_force, mass, slow_twitch, smoothing: float = 10.0):
    """Metabolic energy rate of each muscle (W) and its parts (activation, maintenance, shortening, work).

    Inputs are column vectors (one entry per muscle): excitation and activation (0-1),
    normalized fibre length, fibre velocity (m/s, positive lengthening), active (a f_L f_V F_max)
    and passive fibre force (N), maximal isometric force (N), muscle mass (kg), slow-twitch
    fraction. ``smoothing`` (s/m for velocities, 1/W for rates) sets the tanh switches.
    """
    fast = 1.0 - slow_twitch
    slow_u = slow_twitch * ca.sin(0.5 * math.pi * excitation)
    fast_u = fast * (1.0 - ca.cos(0.5 * math.pi * excitation))
    activation_heat = mass * (ACTIVATION_HEAT[0] * slow_u + ACTIVATION_HEAT[1] * fast_u)
    maintenance_heat = (mass * fibre_length_dependence(norm_fiber_length)
                        * (MAINTENANCE_HEAT[0] * slow_u + MAINTENANCE_HEAT[1] * fast_u))
    fibre_force = active_fiber_force + passive_fiber_force
    isometric = activation * dgf.active_force_length(norm_fiber_length) * max_isometric_force
    lengthening = _step(fiber_velocity, smoothing)
    alpha = (0.16 * isometric + 0.18 * fibre_force) * (1.0 - lengthening) + 0.157 * fibre_force * lengthening
    shortening_heat = -alpha * fiber_velocity
    work = -active_fiber_force * fiber_velocity * (1.0 - lengthening)
    total = activation_heat + maintenance_heat + shortening_heat + work
    shortening_heat = shortening_heat - total * _step(-total, smoothing)  # total rate >= 0
    heat = (activation_heat + maintenance_heat + shortening_heat) / mass  # W/kg
    heat = heat + (MIN_HEAT_RATE - heat) * _step(MIN_HEAT_RATE - heat, smoothing)
    total = heat * mass + work
    return total, activation_heat, maintenance_heat, shortening_heat, work


def excitation_from_activation_rate(activation, activation_rate, tau_act: float, tau_deact: float,
                                    smoothing: float = 1.0):
    """Excitation implied by first-order activation dynamics, ``u = a + tau da/dt``.

    ``tau`` is ``tau_act`` while activating and ``tau_deact`` while deactivating (blended by
    a tanh in ``da/dt``, 1/s), the dynamics whose bounds the collocation imposes.
    """
    tau = tau_deact + (tau_act - tau_deact) * _step(activation_rate, smoothing)
    return activation + tau * activation_rate
