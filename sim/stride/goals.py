"""The stride problem's cost: one small object per goal, each with a weight and an integrand.

Integral goals are integrated over the simulated interval by the transcription and divided by
the distance run (cost per distance, Moco's ``setDivideByDisplacement``); the objective is the
sum of the weighted goal values, and each goal's value and share of it is reported
(``status.json``: ``objective_terms``, ``objective_shares``). Which goals a problem has and
their weights make its *formulation* (:func:`sim.stride.problem.formulation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import casadi as ca
import numpy as np

from sim.cas import metabolics
from sim.stride.node import NodeContext
from sim.stride.variables import ROTATIONAL, TAU_ACT, TAU_DEACT


@dataclass
class Goal:
    """A cost term: ``weight x (1 / distance) x integral of integrand dt``."""

    name: str
    weight: float

    def integrand(self, node: NodeContext) -> ca.SX:
        raise NotImplementedError


@dataclass
class Effort(Goal):
    """Muscle effort, sum of w_i a_i^p: ``muscle_weights`` 1 for every muscle (De Groote 2016) or
    proportional to muscle volume (:func:`effort_weights`)."""

    exponent: float = 2.0
    muscle_weights: np.ndarray | None = None

    def integrand(self, node: NodeContext) -> ca.SX:
        return ca.sum1(self.muscle_weights * node.a ** self.exponent)


class JointAcceleration(Goal):
    """Sum of squared angular accelerations (a small regularization of the motion)."""

    def integrand(self, node: NodeContext) -> ca.SX:
        return ca.sumsqr(node.qdd[ROTATIONAL])


class ActivationRate(Goal):
    """Sum of squared activation derivatives (regularization)."""

    def integrand(self, node: NodeContext) -> ca.SX:
        return ca.sumsqr(node.da)


class TendonForceRate(Goal):
    """Sum of squared normalized tendon-force derivatives of the compliant muscles (regularization)."""

    def integrand(self, node: NodeContext) -> ca.SX:
        return ca.sumsqr(node.dft)


class Reserves(Goal):
    """Sum of squared joint reserve torques: they should stay near zero."""

    def integrand(self, node: NodeContext) -> ca.SX:
        return ca.sumsqr(node.reserves)


class FootSlip(Goal):
    """Normal force (body weights) times squared slip speed of each contact sphere: charges a
    loaded foot for sliding (a diagnostic, off by default)."""

    def integrand(self, node: NodeContext) -> ca.SX:
        return ca.sum2(node.normal_force_bw * node.slip ** 2)


class PassiveTorque(Goal):
    """Sum of squared elastic passive joint moments (N m)^2, damping excluded: charges holding a
    posture on capsules, ligaments and the range stops, which an effort-only cost leaves free (a
    variant, off by default; broader than PredSim's goal, :class:`RangeStopTorque`, since it
    charges the hip capsule's moment over the whole range, which the study measures)."""

    def integrand(self, node: NodeContext) -> ca.SX:
        return ca.sumsqr(node.model.elastic_passive_moments(node.q)[ROTATIONAL])


class RangeStopTorque(Goal):
    """Sum of squared moments of the joints' range-of-motion stops (N m)^2, capsules and damping
    excluded: PredSim's passive-torque goal (``S.weights.pass_torq`` on its limit torques; Falisse
    et al. 2019), which charges leaning on a joint's end of range: the trunk hung on the lumbar
    flexion stop, the swing shank folded onto the knee's flexion stop."""

    def integrand(self, node: NodeContext) -> ca.SX:
        return ca.sumsqr(node.model.range_stop_moments(node.q)[ROTATIONAL])


@dataclass
class MetabolicRate(Goal):
    """Whole-body metabolic rate (W/kg), Bhargava et al. (2004) smoothed (:mod:`sim.cas.metabolics`).

    Activation stands for excitation unless ``from_excitation`` is True (then the excitation is
    recovered from the activation rate; at 50 intervals that variant did not converge in 1000
    iterations). Muscle mass and F_iso use the nominal maximal isometric force (a strength knob
    weakens the force, not the muscle mass).
    """

    from_excitation: bool = False

    def integrand(self, node: NodeContext) -> ca.SX:
        model = node.model
        ms = model.muscles
        fmax = np.array([mu.max_isometric_force for mu in ms])
        lopt = np.array([mu.optimal_fiber_length for mu in ms])
        vmax = np.array([mu.max_contraction_velocity for mu in ms]) * lopt
        mass = metabolics.muscle_masses(fmax, lopt)
        slow = metabolics.slow_twitch_fractions(model.muscle_names)
        u = (metabolics.excitation_from_activation_rate(node.a, node.da, TAU_ACT, TAU_DEACT)
             if self.from_excitation else node.a)
        total, *_ = metabolics.bhargava2004_rates(u, node.a, node.lm_norm, node.vm_norm * vmax,
                                                  node.active_fiber_force, node.passive_fiber_force, fmax, mass, slow)
        return ca.sum1(total) / model.spec.mass


@dataclass
class Tracking:
    """Squared angle error against reference angles, mean over nodes (diagnostics only, never a
    predictive result): a goal on the whole trajectory, not divided by distance."""

    reference: np.ndarray  # nodes x coordinates
    weight: float
    name: str = "tracking"


def effort_weights(model, effort: str) -> np.ndarray:
    """Per-muscle weights of the effort term (sum of w_i a_i^p).

    ``volume``: proportional to muscle volume (max force x optimal fibre length, normalized to
    mean 1), since the energy a muscle spends at a given activation grows with its active
    volume (Umberger et al. 2003); ``uniform``: every muscle alike (De Groote 2016).
    """
    if effort == "uniform":
        return np.ones(model.n_muscles)
    if effort != "volume":
        raise ValueError(f"effort must be 'volume' or 'uniform', got {effort!r}")
    volume = np.array([m.max_isometric_force * m.optimal_fiber_length for m in model.muscles])
    return volume / volume.mean()
