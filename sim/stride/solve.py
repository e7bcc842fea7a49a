"""Solving a stride problem with IPOPT: the initial point, warm starts, and a solution with its report.

:class:`StrideSolver` builds the IPOPT instances of one problem (on first use, then cached per
option set) and returns a :class:`Solution` from every solve: the solved :class:`Trajectory`
and a :class:`SolverReport`; nothing is left behind on the problem.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import casadi as ca
import numpy as np

from sim.model.knobs import is_one_sided, validate_knobs
from sim.model.spec import ModelSpecError
from sim.stride.guess import StrideGuess, equilibrium_tendon_forces
from sim.stride.progress import CatchInterrupt, IterationMonitor
from sim.stride.trajectory import Trajectory
from sim.stride.variables import JOINTS

#: IPOPT's options. The objective is scaled by 100 (gradient-based scaling only scales down, and the
#: objective is near 0.2 against constraints of order 1): at the study's three corners nine starts
#: reached cheaper strides (0.8-3.7 %) and more of them the best within 1 % (docs/stride.md, 'Solver')
DEFAULT_IPOPT = {"sb": "yes", "obj_scaling_factor": 100.0, "tol": 1e-4, "constr_viol_tol": 1e-4,
                 "dual_inf_tol": 1e-3, "acceptable_tol": 1e-3, "mu_strategy": "adaptive", "linear_solver": "mumps",
                 "mumps_pivot_order": 5, "print_level": 5,
                 "nlp_scaling_method": "gradient-based", "bound_push": 1e-3, "bound_frac": 1e-3}

#: for a complete guess (a solved stride: every state and control given), IPOPT moves the start
#: much less into the interior of the bounds; with the cold-start push a warm start from the
#: baseline took 301 iterations to a neighbour, with this one 38 (docs/stride.md, 'Warm starts')
WARM_START_IPOPT = {"bound_push": 1e-6, "bound_frac": 1e-6}

#: for a complete guess that also carries the multipliers of a solve of this same problem (a
#: converged neighbour: another knob value or speed), IPOPT starts from those duals with a small
#: barrier parameter: from the baseline to glute_strength 0.8, 19 iterations (1.7 s) instead of
#: 51 (4.2 s) with the primal warm start alone (docs/performance.md, 'Warm starts with multipliers')
WARM_DUALS_IPOPT = {**WARM_START_IPOPT, "warm_start_init_point": "yes", "mu_init": 1e-4,
                    "warm_start_bound_push": 1e-6, "warm_start_bound_frac": 1e-6,
                    "warm_start_slack_bound_push": 1e-6, "warm_start_slack_bound_frac": 1e-6,
                    "warm_start_mult_bound_push": 1e-6}

CONVERGED = ("Solve_Succeeded", "Solved_To_Acceptable_Level")


@dataclass
class SolverReport:
    """How a solve went: IPOPT's status, iterations and time, the objective and each goal's value."""

    status: str
    iterations: int
    wall_time: float  # s
    objective: float
    objective_terms: dict[str, float]
    history: list[dict] = field(default_factory=list)  # one entry per IPOPT iteration

    @property
    def converged(self) -> bool:
        return self.status in CONVERGED

    @property
    def interrupted(self) -> bool:
        """Ended by Ctrl-C (or a cancelled job), not by IPOPT."""
        return self.status == "User_Requested_Stop"

    @property
    def objective_shares(self) -> dict[str, float]:
        return {k: v / self.objective for k, v in self.objective_terms.items()} if self.objective else {}


@dataclass
class Solution:
    """A solved stride: its trajectory, the solver's report and the NLP point (for diagnostics)."""

    trajectory: Trajectory
    report: SolverReport
    point: np.ndarray | None = None
    parameters: np.ndarray | None = None
    #: IPOPT's multipliers at the point: of the variable bounds (lam_x) and of the constraints (lam_g)
    multipliers: dict[str, np.ndarray] | None = None


class StrideSolver:
    """IPOPT for one :class:`sim.stride.problem.StrideProblem`; speed and knobs are parameters."""

    def __init__(self, problem):
        self.problem = problem
        self._solvers: dict[tuple, ca.Function] = {}
        #: the derivative functions of the first IPOPT solver, shared by the solvers of other options
        self._derivatives: dict[str, ca.Function] | None = None
        self._expanded_nlp: dict | None = None
        tr = problem.transcription
        self.monitor = IterationMonitor(tr.n_w, tr.n_g, 1 + len(problem.model.knob_names))

    def ipopt(self, max_iter: int = 1000, print_level: int | None = None, warm: bool = False,
              duals: bool = False) -> ca.Function:
        """The IPOPT solver for these options; ``warm`` for a complete guess (:data:`WARM_START_IPOPT`),
        ``duals`` for one that also carries this problem's multipliers (:data:`WARM_DUALS_IPOPT`)."""
        key = (max_iter, print_level, warm, duals)
        if key not in self._solvers:
            warm_options = WARM_DUALS_IPOPT if duals else WARM_START_IPOPT if warm else {}
            ipopt = {**self.problem.ipopt, **warm_options, "max_iter": max_iter}
            if print_level is not None:
                ipopt["print_level"] = print_level
            opts = {"ipopt": ipopt, "print_time": False, "iteration_callback": self.monitor}
            if self._derivatives is None:
                # the first solver generates the derivatives (about 11 s at 50 intervals: the node
                # function expanded over every node, the Hessian and Jacobian with their sparsity)
                self._expanded_nlp = self._expanded(self.problem.transcription.nlp)
                solver = ca.nlpsol("stride", "ipopt", self._expanded_nlp, opts)
                self._derivatives = {option: solver.get_function(name) for option, name in
                                     (("hess_lag", "nlp_hess_l"), ("jac_g", "nlp_jac_g"), ("grad_f", "nlp_grad_f"))}
            else:  # other options, the same derivatives: built in milliseconds
                solver = ca.nlpsol("stride", "ipopt", self._expanded_nlp, {**opts, **self._derivatives})
            self._solvers[key] = solver
        return self._solvers[key]

    @staticmethod
    def _expanded(nlp: dict) -> dict:
        """The NLP with its objective and constraints as one expanded (SX) graph, as ``expand`` builds it."""
        function = ca.Function("nlp", [nlp["x"], nlp["p"]], [nlp["f"], nlp["g"]]).expand()
        x, p = ca.SX.sym("x", nlp["x"].shape[0]), ca.SX.sym("p", nlp["p"].shape[0])
        f, g = function(x, p)
        return {"x": x, "p": p, "f": f, "g": g}

    def initial_point(self, guess: StrideGuess, knobs: np.ndarray) -> np.ndarray:
        """Scaled decision vector from ``guess`` (resampled; missing arrays completed: activations
        0.1, tendon forces at equilibrium, derivatives and reserves 0; tendon states of a guess
        with other compliant tendons replaced the same way)."""
        problem = self.problem
        n_nodes = problem.n + 1
        g = guess.resampled(n_nodes)
        n_m, n_t = problem.model.n_muscles, len(problem.layout.compliant)
        a = g.a if g.a is not None else np.full((n_nodes, n_m), 0.1)
        # a guess solved on a model with other compliant tendons carries other tendon states:
        # start those from equilibrium, as for a guess without them
        own_tendons = g.ft is not None and g.ft.shape[1] == n_t
        ft = g.ft if own_tendons else equilibrium_tendon_forces(problem.model, g.q, g.qd, a, knobs)
        da = g.da if g.da is not None else np.zeros((n_nodes, n_m))
        dft = g.dft if own_tendons and g.dft is not None else np.zeros((n_nodes, n_t))
        res = g.reserves if g.reserves is not None else np.zeros((n_nodes, len(JOINTS)))
        return problem.scheme.initial_point(problem.layout, problem.n, np.column_stack([g.q, g.qd, a, ft]),
                                         np.column_stack([g.qdd, da, dft, res]), g.duration)

    def solve(self, speed: float = 3.5, knobs: dict[str, float] | None = None, guess: StrideGuess | None = None,
              max_iter: int = 1000, print_level: int | None = None,
              report: Callable[[dict], None] | None = None) -> Solution:
        """Solve at ``speed`` (m/s) and ``knobs``; ``guess`` defaults to the measured running stride.

        ``report`` receives one dict per IPOPT iteration (iteration, objective, infeasibility,
        elapsed_s). Ctrl-C stops IPOPT cleanly: the solution returns with status
        ``User_Requested_Stop`` (``report.interrupted``), not converged.
        """
        from sim.stride.guess import data_guess

        problem = self.problem
        knob_values = validate_knobs(problem.spec, knobs)
        if problem.symmetric and is_one_sided(knob_values):
            raise ModelSpecError("one-sided knob values break the left-right symmetry: they need a full-stride "
                                 "problem (symmetric = false)")
        kvec = np.array(problem.model.knob_vector(knob_values))
        p = np.concatenate([[speed], kvec])
        if guess is None:
            guess = data_guess(problem.spec, problem.n + 1, speed=speed, symmetric=problem.symmetric)
        w0 = self.initial_point(guess, kvec)
        lbw, ubw = problem.scheme.variable_bounds(problem.layout, problem.n)
        tr = problem.transcription
        complete = all(v is not None for v in (guess.a, guess.ft, guess.da, guess.dft, guess.reserves))
        duals = self.guess_multipliers(guess) if complete else None
        self.monitor.report = report
        sol, stats, wall = self._run(self.ipopt(max_iter, print_level, warm=complete, duals=duals is not None),
                                     w0, lbw, ubw, p, duals)
        iterations, history = int(stats.get("iter_count", -1)), list(self.monitor.history)
        if duals is not None and stats.get("return_status") not in CONVERGED and not self.monitor.interrupted:
            # the multipliers of a neighbour far away can mislead IPOPT (at 10 intervals from
            # hip_flexor_stiffness 1 to 3 it ended in Error_In_Step_Computation where the stride alone
            # converged): the same start again without them; iterations and time count both solves
            sol, stats, again = self._run(self.ipopt(max_iter, print_level, warm=True), w0, lbw, ubw, p, None)
            iterations, wall = iterations + int(stats.get("iter_count", -1)), wall + again
            history += self.monitor.history
        w = np.asarray(sol["x"]).ravel()
        terms = np.asarray(tr.cost_function(w, p)).ravel()
        solver_report = SolverReport(status=stats.get("return_status", "unknown"),
                                     iterations=iterations, wall_time=wall,
                                     objective=float(terms.sum()),
                                     objective_terms=dict(zip(tr.goal_names, map(float, terms), strict=True)),
                                     history=history)
        multipliers = {"lam_x": np.asarray(sol["lam_x"]).ravel(), "lam_g": np.asarray(sol["lam_g"]).ravel()}
        return Solution(self.trajectory(w, p, knob_values), solver_report, w, p, multipliers)

    def _run(self, solver: ca.Function, w0: np.ndarray, lbw, ubw, p: np.ndarray, duals: dict | None) -> tuple:
        """One IPOPT solve from ``w0`` (and initial multipliers ``duals``): its result, statistics and
        wall time (s; the solver is built before, so building is never counted as solving)."""
        tr = self.problem.transcription
        self.monitor.reset(tr.lbg, tr.ubg)
        t0 = time.perf_counter()
        with CatchInterrupt(self.monitor):
            sol = solver(x0=w0, lbx=lbw, ubx=ubw, lbg=tr.lbg, ubg=tr.ubg, p=p, **(duals or {}))
        return sol, solver.stats(), time.perf_counter() - t0

    def guess_multipliers(self, guess: StrideGuess) -> dict[str, np.ndarray] | None:
        """IPOPT's initial multipliers from ``guess.info["multipliers"]`` when they belong to this
        problem: the same mesh (no resampling) and the same numbers of variables and constraints.
        The caller attaches them only from a solve of the same model and formulation (fingerprint)."""
        m = guess.info.get("multipliers")
        tr = self.problem.transcription
        if (m is None or guess.n_nodes != self.problem.n + 1 or np.size(m.get("lam_x")) != tr.n_w
                or np.size(m.get("lam_g")) != tr.n_g):
            return None
        return {"lam_x0": np.asarray(m["lam_x"], float), "lam_g0": np.asarray(m["lam_g"], float)}

    def trajectory(self, w: np.ndarray, p: np.ndarray, knobs: dict[str, float]) -> Trajectory:
        """The Trajectory of an NLP point (physical units, forces from the model)."""
        problem = self.problem
        layout, n = problem.layout, problem.n
        xs, us, x, u, duration = problem.scheme.unpack(layout, n, w)
        force, grf_r, grf_l = (np.asarray(v) for v in problem.outputs.map(n + 1)(xs.T, us.T, p))
        s = layout.slices
        zeros = np.zeros((n + 1, 1))
        return Trajectory(
            time=np.linspace(0, duration, n + 1), q=x[:, s["q"]], qd=x[:, s["qd"]], qdd=u[:, s["acceleration"]],
            activation=x[:, s["activation"]], muscles=list(problem.model.muscle_names), speed=float(p[0]),
            body_weight=problem.body_weight, knobs=knobs, half_stride=problem.symmetric,
            tendon_force_norm=x[:, s["tendon_force"]], activation_rate=u[:, s["activation_rate"]],
            tendon_force_rate=u[:, s["tendon_force_rate"]], reserves=u[:, s["reserves"]],
            compliant_muscles=[problem.model.muscle_names[i] for i in layout.compliant],
            reserve_coordinates=list(layout.reserve_coordinates), muscle_force=force.T,
            grf={"r": np.hstack([grf_r.T, zeros]), "l": np.hstack([grf_l.T, zeros])})
