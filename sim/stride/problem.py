"""The predictive running stride, stated once: variables, goals, path constraints, parameters.

Formulation (De Groote et al. 2016, Falisse et al. 2019; docs/stride.md):

* variables (:mod:`sim.stride.variables`): states ``[q, qd, activation, tendon_force]``,
  controls ``[acceleration, activation_rate, tendon_force_rate, reserves]``, the free stride
  duration; speed and knobs are NLP parameters, so one built problem serves any value;
* path constraints (:mod:`sim.stride.constraints`): implicit skeletal dynamics (the model's
  generalized-force residual equals the joint reserves, zero on the pelvis), implicit tendon
  dynamics (Hill equilibrium of the compliant muscles), activation dynamics as bounded
  derivatives; optionally a no-skid limit;
* goals (:mod:`sim.stride.goals`), per distance travelled: effort ``sum a^2`` plus small
  regularizations of joint accelerations, activation and tendon-force rates, and reserves;
  optionally foot slip, metabolic rate, tracking (diagnostics);
* left-right symmetry (half stride, the mirror image closes the cycle) or a full stride; average
  speed imposed through the periodicity of ``pelvis_tx``;
* the transcription: trapezoidal collocation (:mod:`sim.stride.transcription.trapezoidal`, the
  default) or Radau IIA (:mod:`sim.stride.transcription.radau`, L-stable, three points per interval).

The effort exponent is 2 (``effort_exponent`` selects another): with a^3 the baseline from the
measured-data guess did not converge in 1000 iterations, and from other guesses it settled in
stiff-legged strides (swing knee 60-66 deg, duty factor 0.25).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cached_property
from typing import Any

import casadi as ca
import numpy as np

from sim.cas.model import CasadiModel
from sim.model.spec import ModelSpec, load_spec
from sim.stride import constraints, goals
from sim.stride.guess import StrideGuess
from sim.stride.node import NodeContext
from sim.stride.solve import DEFAULT_IPOPT, Solution, StrideSolver
from sim.stride.transcription import DEFAULT_SCHEME, scheme
from sim.stride.variables import Layout

#: default goal weights (effort is 1). Regularization stays small: the acceleration weight is in
#: the range where the stride no longer depends on it (1e-7: 2 % of the baseline's objective;
#: 5e-8 gives the same stride; 2e-6, 14 % of it, held swing knee flexion at 87 deg and made the
#: problem more multi-modal; docs/stride.md, 'Regularization'). The range stops' moments are charged
#: as PredSim charges its limit torques (Falisse et al. 2019: passive torques 1000 per joint-mean
#: against activations 2000 per muscle-mean, both means over both sides; over this model's 7 stopped
#: joints and 24 muscles 1000/7 : 2000/24 = 1.71 per (N m)^2): without it the cheapest stride hangs
#: the trunk and the swing shank on the stops for free (docs/stride.md, 'Range stops')
DEFAULT_WEIGHTS = {"effort": 1.0, "acceleration": 1e-7, "activation_rate": 1e-4,
                   "tendon_rate": 1e-4, "reserves": 1.0, "range_stop_torque": 1.71, "metabolic": 0.0,
                   "foot_slip": 0.0}

#: the no-skid limit (m/s): a foot contact sphere that carries load slides at most this fast. Measured
#: feet land nearly at rest: the heel moves forward at about 0.7-0.9 m/s at touchdown (overground
#: running, computed; docs/stride.md, 'Ground contact'); one value at every knob, speed and subject
DEFAULT_MAX_LOADED_SLIP = 1.0

#: the effort measure and exponent of a StrideProblem built without them (docs/stride.md)
DEFAULT_EFFORT, DEFAULT_EFFORT_EXPONENT = "uniform", 2.0


def formulation(weights: dict[str, float] | None = None, effort: str = DEFAULT_EFFORT,
                effort_exponent: float = DEFAULT_EFFORT_EXPONENT,
                metabolic_excitation: bool = False, tracking: bool = False,
                max_loaded_slip: float | None = DEFAULT_MAX_LOADED_SLIP,
                max_slip_load: float | None = None, transcription: str = DEFAULT_SCHEME) -> dict[str, Any]:
    """What, besides the model, decides which stride a solve finds: the goals, their weights and
    the optional constraints.

    Stored in every run's status.json; a stored stride is reused (what-if) or resumed (sweep)
    only under the same model and the same formulation, so a changed default weight makes the
    old results stale instead of mixing two costs.
    """
    out = {"cost_weights": {**DEFAULT_WEIGHTS, **(weights or {})}, "effort": effort,
           "effort_exponent": float(effort_exponent), "metabolic_excitation": metabolic_excitation,
           "tracking": tracking, "max_loaded_slip": max_loaded_slip}
    if max_slip_load is not None:  # diagnostics only; absent, so default fingerprints stay as they were
        out["max_slip_load"] = max_slip_load
    if transcription != DEFAULT_SCHEME:  # recorded only when not the default, like max_slip_load
        out["transcription"] = transcription
    return out


class StrideProblem:
    """The stride NLP of one model and mesh, built once; :meth:`solve` takes speed and knobs."""

    def __init__(self, spec: ModelSpec | None = None, n_intervals: int = 50, symmetric: bool = True,
                 weights: dict[str, float] | None = None, ipopt: dict[str, Any] | None = None,
                 effort: str = DEFAULT_EFFORT, effort_exponent: float = DEFAULT_EFFORT_EXPONENT,
                 metabolic_excitation: bool = False, tracking: tuple[np.ndarray, float] | None = None,
                 max_loaded_slip: float | None = DEFAULT_MAX_LOADED_SLIP, fixed_duration: float | None = None,
                 max_slip_load: float | None = None, transcription: str = DEFAULT_SCHEME):
        t0 = time.perf_counter()
        #: the options of this problem besides its model, so that :meth:`with_spec` rebuilds it on another
        self.options = {"n_intervals": n_intervals, "symmetric": symmetric, "weights": weights, "ipopt": ipopt,
                        "effort": effort, "effort_exponent": effort_exponent,
                        "metabolic_excitation": metabolic_excitation, "tracking": tracking,
                        "max_loaded_slip": max_loaded_slip, "fixed_duration": fixed_duration,
                        "max_slip_load": max_slip_load, "transcription": transcription}
        self._contact_variants: dict[float, StrideProblem] = {}
        #: the transcription module (:data:`sim.stride.transcription.SCHEMES`)
        self.scheme = scheme(transcription)
        self.spec = spec or load_spec()
        self.model = CasadiModel(self.spec)
        self.n = n_intervals
        self.symmetric = symmetric
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        self.ipopt = {**DEFAULT_IPOPT, **(ipopt or {})}
        self.body_weight = -self.spec.mass * self.spec.gravity
        self.layout = Layout(self.model, symmetric)
        if fixed_duration is not None:  # diagnostics: the duration of the simulated interval, s
            self.layout.time_bounds = (fixed_duration, fixed_duration)
        self.goals = self._goals(effort, effort_exponent, metabolic_excitation)
        #: diagnostics only (never a predictive result): angles to follow (nodes x coordinates) and a weight
        self.tracking = goals.Tracking(*tracking) if tracking is not None else None
        self.constraints = self._constraints(max_loaded_slip, max_slip_load)
        self.formulation = formulation(weights, effort, effort_exponent, metabolic_excitation, tracking is not None,
                                       max_loaded_slip, max_slip_load, transcription)
        self._build()
        self.build_time = time.perf_counter() - t0

    def with_spec(self, spec: ModelSpec) -> StrideProblem:
        """The same formulation built on another model."""
        return StrideProblem(spec, **self.options)

    def with_contact_dissipation(self, dissipation: float) -> StrideProblem:
        """The same formulation on this model with the contact's dissipation at ``dissipation`` (s/m),
        built once per value (a continuation start's problem; a sweep worker's shared problem keeps it)."""
        if dissipation not in self._contact_variants:
            contact = self.spec.contact.model_copy(update={"dissipation": dissipation})
            self._contact_variants[dissipation] = self.with_spec(self.spec.model_copy(update={"contact": contact}))
        return self._contact_variants[dissipation]

    def stop_solves(self) -> None:
        """Ask the running solve of this problem, or of one of its contact variants, to stop at its
        next iteration (as Ctrl-C does; a worker process's way to pass on its driver's Ctrl-C)."""
        for problem in (self, *self._contact_variants.values()):
            problem.solver.monitor.interrupted = True

    def _goals(self, effort: str, exponent: float, metabolic_excitation: bool) -> list[goals.Goal]:
        """The goals in the order they enter the objective; the optional ones only when weighted."""
        w = self.weights
        out: list[goals.Goal] = [
            goals.Effort("effort", w["effort"], exponent, goals.effort_weights(self.model, effort)),
            goals.JointAcceleration("acceleration", w["acceleration"]),
            goals.ActivationRate("activation_rate", w["activation_rate"]),
            goals.TendonForceRate("tendon_rate", w["tendon_rate"]),
            goals.Reserves("reserves", w["reserves"]),
        ]
        # passive_torque is a variant, absent from the default weights and so from stored fingerprints
        weighted = {"foot_slip": goals.FootSlip, "passive_torque": goals.PassiveTorque,
                    "range_stop_torque": goals.RangeStopTorque}
        out += [goal(name, w[name]) for name, goal in weighted.items() if w.get(name, 0.0) != 0.0]
        if w["metabolic"] != 0.0:
            out.append(goals.MetabolicRate("metabolic", w["metabolic"], metabolic_excitation))
        return out

    def _constraints(self, max_loaded_slip: float | None,
                     max_slip_load: float | None = None) -> list[constraints.PathConstraint]:
        out = [constraints.skeletal_dynamics(), constraints.tendon_equilibrium(self.model, self.layout.compliant),
               constraints.activation_rise(self.model), constraints.activation_decay(self.model)]
        if max_loaded_slip is not None:
            out.append(constraints.loaded_slip_limit(self.model, max_loaded_slip))
        if max_slip_load is not None:
            out.append(constraints.loaded_slip_load_limit(self.model, max_slip_load))
        return out

    def _build(self) -> None:
        """The node function (every goal and constraint at one node) and its transcription."""
        layout = self.layout
        xs, us = ca.SX.sym("xs", layout.nx), ca.SX.sym("us", layout.nu)
        p = ca.SX.sym("p", 1 + len(self.model.knob_names))
        node = NodeContext(self.model, layout, xs, us, p, self.body_weight)
        equalities = [c for c in self.constraints if c.is_equality]
        inequalities = [c for c in self.constraints if not c.is_equality]
        eq = ca.vertcat(*[c.expression(node) for c in equalities])
        ineq = ca.vertcat(*[c.expression(node) for c in inequalities])
        xdot = node.state_derivative()
        integrands = ca.vertcat(*[g.integrand(node) for g in self.goals])
        self.node = ca.Function("node", [xs, us, p], [xdot, eq, ineq, integrands],
                                ["xs", "us", "p"], ["xdot", "eq", "ineq", "terms"])
        right = [j for j, s in enumerate(self.model.spheres) if s.name.endswith("_r")]
        left = [j for j, s in enumerate(self.model.spheres) if s.name.endswith("_l")]
        forces = node.contact_forces
        self.outputs = ca.Function("outputs", [xs, us, p],
                                   [node.muscle_force, ca.sum2(forces[:, right]), ca.sum2(forces[:, left])],
                                   ["xs", "us", "p"], ["force", "grf_r", "grf_l"])
        self.transcription = self.scheme.transcribe(
            layout, self.node, self.n, [g.weight for g in self.goals], [g.name for g in self.goals],
            equalities, inequalities, self.tracking)

    # ------------------------------------------------------------------ reading the problem
    @property
    def goal_names(self) -> list[str]:
        """Names of the reported objective terms, in order."""
        return list(self.transcription.goal_names)

    @property
    def constraint_labels(self) -> list[tuple[str, int]]:
        """(constraint, node) of every NLP constraint, in the order of g."""
        return list(self.transcription.labels)

    # ------------------------------------------------------------------ solving
    @cached_property
    def solver(self) -> StrideSolver:
        """The IPOPT solver of this problem (built on first use)."""
        return StrideSolver(self)

    def solve(self, speed: float = 3.5, knobs: dict[str, float] | None = None, guess: StrideGuess | None = None,
              max_iter: int = 1000, print_level: int | None = None,
              report: Callable[[dict], None] | None = None) -> Solution:
        """Solve at ``speed`` (m/s) and ``knobs`` (see :meth:`sim.stride.solve.StrideSolver.solve`)."""
        return self.solver.solve(speed, knobs, guess, max_iter, print_level, report)
