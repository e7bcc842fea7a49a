"""Predictive running stride: direct collocation of the muscle-driven model, solved with IPOPT.

Formulation (De Groote et al. 2016, Falisse et al. 2019):

* states ``x = [q, qd, a, ft]`` (coordinates, speeds, muscle activations, normalized tendon
  forces of the compliant muscles); controls ``u = [qdd, da, dft, reserves]``;
* implicit skeletal dynamics: the model's generalized-force residual equals the joint
  reserve torques (zero on the pelvis rows) at every mesh node;
* implicit tendon dynamics: the Hill equilibrium residual of each compliant muscle is zero;
* activation dynamics as a bounded derivative, ``-a/tau_deact <= da/dt <= (1-a)/tau_act``
  (linear constraints, De Groote et al. 2016);
* trapezoidal collocation. Chosen over Radau-3/Hermite-Simpson because every node carries
  the same (mapped) path function, the NLP has the fewest variables per unit of time
  resolution, and with the implicit formulation the constraint Jacobian is very sparse;
  for contact-rich running, resolution in time (more nodes) matters more than order.
  Node N is tied to node 0 by the (mirror-)periodicity constraint.
* free stride duration; average speed imposed as ``pelvis_tx(T) - pelvis_tx(0) = v T``;
* cost per distance travelled: ``1/d * integral(sum a^2 + w_acc |qdd|^2 + w_da |da|^2
  + w_dft |dft|^2 + w_res |reserves|^2) dt``. The effort exponent is 2 (``effort_exponent``
  selects another): with a^3 the baseline from the measured-data guess did not converge in
  1000 iterations, and from other guesses it settled in stiff-legged strides (swing knee
  60-66 deg, duty factor 0.25); a^2 converges and gives the realistic stride
  (README 'Stride: realism').

Speed and knobs are NLP parameters: the problem is built once and re-solved for any value.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import casadi as ca
import numpy as np

from sim.cas import metabolics
from sim.cas.model import CasadiModel
from sim.knobs import validate_knobs
from sim.results.fullstride import mirror_permutation
from sim.spec import COORDINATES, ModelSpec, load_spec
from sim.stride.guess import StrideGuess
from sim.stride.progress import CatchInterrupt, IterationMonitor

N_Q = len(COORDINATES)
TAU_ACT, TAU_DEACT = 0.015, 0.060
IX, IY = COORDINATES.index("pelvis_tx"), COORDINATES.index("pelvis_ty")
PELVIS = [0, IX, IY]
JOINTS = [i for i in range(N_Q) if i not in PELVIS]
ROTATIONAL = [i for i in range(N_Q) if i not in (IX, IY)]
#: pelvis_tilt bounds (deg): wide, so that they never shape a stride (metrics flag it if one does)
PELVIS_TILT_RANGE_DEG = (-40.0, 30.0)


def angle_bounds_deg(spec: ModelSpec) -> dict[str, tuple[float, float]]:
    """Bounds (deg) of the problem's angular coordinates: pelvis tilt and the joint ranges."""
    ranges = {j.coordinate: tuple(j.range_deg) for j in spec.joints_expanded()}
    return {"pelvis_tilt": PELVIS_TILT_RANGE_DEG, **{c: ranges[c] for c in COORDINATES if c in ranges}}

#: default cost weights (effort is 1). Regularization stays small: the acceleration weight is
#: in the range where the stride no longer depends on it (1e-7: 2 % of the baseline's objective;
#: 5e-8 gives the same stride; 2e-6, 14 % of it, held swing knee flexion at 87 deg and made the
#: problem more multi-modal; README 'Stride: realism')
DEFAULT_WEIGHTS = {"effort": 1.0, "acceleration": 1e-7, "activation_rate": 1e-4,
                   "tendon_rate": 1e-4, "reserves": 1.0, "metabolic": 0.0, "foot_slip": 0.0}

#: for a complete guess (a solved stride: every state and control given), IPOPT moves the start
#: much less into the interior of the bounds; with the cold-start push a warm start from the
#: baseline took 301 iterations to a neighbour, with this one 38 (README 'Stride')
WARM_START_IPOPT = {"bound_push": 1e-6, "bound_frac": 1e-6}

DEFAULT_IPOPT = {"sb": "yes", "tol": 1e-4, "constr_viol_tol": 1e-4, "dual_inf_tol": 1e-3, "acceptable_tol": 1e-3,
                 "mu_strategy": "adaptive", "linear_solver": "mumps", "mumps_pivot_order": 5, "print_level": 5,
                 "nlp_scaling_method": "gradient-based", "bound_push": 1e-3, "bound_frac": 1e-3}


#: the effort measure and exponent of a StrideProblem built without them (README 'Stride')
DEFAULT_EFFORT, DEFAULT_EFFORT_EXPONENT = "uniform", 2.0


def formulation(weights: dict[str, float] | None = None, effort: str = DEFAULT_EFFORT,
                effort_exponent: float = DEFAULT_EFFORT_EXPONENT,
                metabolic_excitation: bool = False, tracking: bool = False,
                max_loaded_slip: float | None = None) -> dict[str, Any]:
    """What, besides the model, decides which stride a solve finds: the cost and its weights.

    Stored in every run's status.json; a stored stride is reused (what-if) or resumed (sweep)
    only under the same model and the same formulation, so a changed default weight makes the
    old results stale instead of mixing two costs.
    """
    return {"cost_weights": {**DEFAULT_WEIGHTS, **(weights or {})}, "effort": effort,
            "effort_exponent": float(effort_exponent), "metabolic_excitation": metabolic_excitation,
            "tracking": tracking, "max_loaded_slip": max_loaded_slip}


def _effort_weights(model: CasadiModel, effort: str) -> np.ndarray:
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


@dataclass
class StrideSolution:
    """One solved stride (half stride if symmetric); arrays are nodes x quantities, SI units."""

    time: np.ndarray
    q: np.ndarray
    qd: np.ndarray
    qdd: np.ndarray
    a: np.ndarray
    ft: np.ndarray
    da: np.ndarray
    dft: np.ndarray
    reserves: np.ndarray
    muscle_forces: np.ndarray
    grf_r: np.ndarray  # (x, y) per node, N
    grf_l: np.ndarray
    speed: float
    knobs: dict[str, float]
    symmetric: bool
    cost: float
    cost_terms: dict[str, float]
    status: str
    iterations: int
    wall_time: float
    converged: bool
    muscle_names: list[str] = field(default_factory=list)
    body_weight: float = 1.0

    @property
    def duration(self) -> float:
        """Duration of the simulated interval (half stride if symmetric), s."""
        return float(self.time[-1] - self.time[0])

    @property
    def stride_time(self) -> float:
        return 2 * self.duration if self.symmetric else self.duration

    @property
    def stride_length(self) -> float:
        return self.speed * self.stride_time

    @property
    def cadence(self) -> float:
        """Steps per minute (two steps per stride)."""
        return 2 * 60.0 / self.stride_time

    def full_stride_grf(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Time and vertical GRF of right and left foot over one full stride (N)."""
        if not self.symmetric:
            return self.time, self.grf_r[:, 1], self.grf_l[:, 1]
        t = np.concatenate([self.time, self.time[1:] + self.duration])
        right = np.concatenate([self.grf_r[:, 1], self.grf_l[1:, 1]])
        left = np.concatenate([self.grf_l[:, 1], self.grf_r[1:, 1]])
        return t, right, left

    def as_guess(self) -> StrideGuess:
        return StrideGuess(self.duration, self.q, self.qd, self.qdd, self.a, self.ft, self.da, self.dft,
                           self.reserves, info={"source": "solution"})


class StrideProblem:
    """The stride NLP, built once; :meth:`solve` takes speed and knobs as parameters."""

    def __init__(self, spec: ModelSpec | None = None, n_intervals: int = 50, symmetric: bool = True,
                 weights: dict[str, float] | None = None, ipopt: dict[str, Any] | None = None,
                 effort: str = DEFAULT_EFFORT, effort_exponent: float = DEFAULT_EFFORT_EXPONENT,
                 metabolic_excitation: bool = False,
                 tracking: tuple[np.ndarray, float] | None = None, max_loaded_slip: float | None = None):
        t0 = time.perf_counter()
        self.spec = spec or load_spec()
        self.model = CasadiModel(self.spec)
        self.n = n_intervals
        self.symmetric = symmetric
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        self.ipopt = {**DEFAULT_IPOPT, **(ipopt or {})}
        m = self.model
        self.n_m = m.n_muscles
        self.compliant = [i for i, c in enumerate(m.compliant) if c]
        self.n_t = len(self.compliant)
        self.n_k = len(m.knob_names)
        self.body_weight = -self.spec.mass * self.spec.gravity
        self.effort_weights = _effort_weights(m, effort)
        self.effort_exponent = effort_exponent
        self.metabolic_excitation = metabolic_excitation
        #: diagnostics only (never a predictive result): (angles nodes x coordinates, weight)
        self.tracking = tracking
        #: diagnostics only: a loaded contact sphere may slide at most this fast (m/s), as the path
        #: constraint normal force (BW) x (slip^2 - max^2) <= 0 (README 'Stride: realism')
        self.max_loaded_slip = max_loaded_slip
        self.formulation = formulation(weights, effort, effort_exponent, metabolic_excitation, tracking is not None,
                                       max_loaded_slip)
        self._build_scaling()
        self._build_node_function()
        self._build_nlp()
        self._solvers: dict[tuple, ca.Function] = {}
        self.monitor = IterationMonitor(self.n_w, self.nlp["g"].numel(), 1 + self.n_k)
        self.last_w: np.ndarray | None = None
        self.last_p: np.ndarray | None = None
        self.build_time = time.perf_counter() - t0

    # ------------------------------------------------------------------ layout and scaling
    def _build_scaling(self) -> None:
        nq, nm, nt = N_Q, self.n_m, self.n_t
        sq = np.ones(nq)
        sq[IX] = 2.0
        sqd = np.full(nq, 10.0)
        sqd[IX], sqd[IY] = 4.0, 1.0
        sqdd = np.full(nq, 100.0)
        sqdd[IX], sqdd[IY] = 20.0, 20.0
        self.sx = np.concatenate([sq, sqd, np.ones(nm), np.ones(nt)])
        self.su = np.concatenate([sqdd, np.full(nm, 20.0), np.full(nt, 10.0), np.full(len(JOINTS), 50.0)])
        self.s_time = 0.5
        self.nx, self.nu = len(self.sx), len(self.su)
        # index blocks
        self.iq = slice(0, nq)
        self.iqd = slice(nq, 2 * nq)
        self.ia = slice(2 * nq, 2 * nq + nm)
        self.ift = slice(2 * nq + nm, 2 * nq + nm + nt)
        self.iqdd = slice(0, nq)
        self.ida = slice(nq, nq + nm)
        self.idft = slice(nq + nm, nq + nm + nt)
        self.ires = slice(nq + nm + nt, self.nu)
        # mirror map of states
        cmap = mirror_permutation(list(COORDINATES))
        mmap = mirror_permutation(self.model.muscle_names)
        tnames = [self.model.muscle_names[i] for i in self.compliant]
        tmap = mirror_permutation(tnames)
        ident = self.symmetric is False
        perm = (list(range(nq)) + [nq + i for i in range(nq)] if ident
                else cmap + [nq + i for i in cmap])
        perm += [2 * nq + (i if ident else mmap[i]) for i in range(nm)]
        perm += [2 * nq + nm + (i if ident else tmap[i]) for i in range(nt)]
        self.state_perm = perm
        # bounds (physical)
        lq, uq = np.zeros(nq), np.zeros(nq)
        for c, bounds in angle_bounds_deg(self.spec).items():
            i = COORDINATES.index(c)
            lq[i], uq[i] = np.radians(bounds)
        lq[IX], uq[IX] = -0.5, 5.0
        lq[IY], uq[IY] = 0.6, 1.3
        lqd, uqd = np.full(nq, -30.0), np.full(nq, 30.0)
        lqd[IX], uqd[IX] = 0.0, 10.0
        lqd[IY], uqd[IY] = -3.0, 3.0
        self.lbx_phys = np.concatenate([lq, lqd, np.full(nm, 0.01), np.zeros(nt)])
        self.ubx_phys = np.concatenate([uq, uqd, np.ones(nm), np.full(nt, 5.0)])
        lqdd, uqdd = np.full(nq, -1500.0), np.full(nq, 1500.0)
        lqdd[[IX, IY]], uqdd[[IX, IY]] = -300.0, 300.0
        self.lbu_phys = np.concatenate([lqdd, np.full(nm, -1 / TAU_DEACT), np.full(nt, -50.0),
                                        np.full(len(JOINTS), -300.0)])
        self.ubu_phys = np.concatenate([uqdd, np.full(nm, 1 / TAU_ACT), np.full(nt, 50.0),
                                        np.full(len(JOINTS), 300.0)])
        self.time_bounds = (0.12, 0.8) if self.symmetric else (0.25, 1.6)

    # ------------------------------------------------------------------ node function
    def _build_node_function(self) -> None:
        """(x_scaled, u_scaled, p) -> scaled xdot, path equalities, path inequalities, cost terms."""
        m = self.model
        xs, us = ca.SX.sym("xs", self.nx), ca.SX.sym("us", self.nu)
        p = ca.SX.sym("p", 1 + self.n_k)
        x, u = xs * self.sx, us * self.su
        q, qd, a, ft = x[self.iq], x[self.iqd], x[self.ia], x[self.ift]
        qdd, da, dft, res = u[self.iqdd], u[self.ida], u[self.idft], u[self.ires]
        knobs = p[1:]
        ft_all, dft_all = ca.SX.zeros(self.n_m), ca.SX.zeros(self.n_m)
        for k, i in enumerate(self.compliant):
            ft_all[i], dft_all[i] = ft[k], dft[k]
        lmt, vmt, arms = m.muscle_geometry(q, qd)
        force, hill, lm_norm, vm_norm, active, passive = m.muscle_tendon(lmt, vmt, a, ft_all, dft_all, knobs)
        contact_forces, _, contact_q = m.contact(q, qd)
        # same sum as CasadiModel.residual_forces, composed here to reuse the muscle forces
        tau = (m.skeleton_inverse_dynamics(q, qd, qdd) - m.passive_moments(q, qd) - contact_q
               - arms.T @ force)
        applied = ca.SX.zeros(N_Q)
        applied[JOINTS] = res
        dyn = (tau - applied) / 100.0
        eq = ca.vertcat(dyn, ca.vertcat(*[hill[i] for i in self.compliant]))
        ineq = ca.vertcat(da * TAU_ACT - (1 - a), da * TAU_DEACT + a)  # <= 0 and >= 0
        self.n_slip = 0
        if self.max_loaded_slip is not None or self.weights["foot_slip"] != 0.0:
            slip = m.contact_slip(q, qd)
            normal = contact_forces[1, :] / self.body_weight  # per sphere, in body weights
        if self.max_loaded_slip is not None:  # <= 0: a sphere is unloaded or slides slowly
            no_skid = (normal * (slip ** 2 - self.max_loaded_slip ** 2)).T
            ineq = ca.vertcat(ineq, no_skid)
            self.n_slip = no_skid.numel()
        xdot = ca.vertcat(qd, qdd, da, dft) / self.sx
        terms = ca.vertcat(ca.sum1(self.effort_weights * a ** self.effort_exponent),
                           ca.sumsqr(qdd[ROTATIONAL]), ca.sumsqr(da), ca.sumsqr(dft), ca.sumsqr(res))
        self.term_names = ["effort", "acceleration", "activation_rate", "tendon_rate", "reserves"]
        if self.weights["foot_slip"] != 0.0:
            # normal force (in body weights) times squared slip speed of each contact sphere
            terms = ca.vertcat(terms, ca.sum2(normal * slip ** 2))
            self.term_names.append("foot_slip")
        if self.weights["metabolic"] != 0.0:
            rate = self._metabolic_rate(a, da, lm_norm, vm_norm, active, passive)
            terms = ca.vertcat(terms, ca.sum1(rate) / self.spec.mass)  # W/kg
            self.term_names.append("metabolic")
        self.node = ca.Function("node", [xs, us, p], [xdot, eq, ineq, terms],
                                ["xs", "us", "p"], ["xdot", "eq", "ineq", "terms"])
        self.n_ineq_half = self.n_m
        grf_r = contact_forces[:, [j for j, s in enumerate(m.spheres) if s.name.endswith("_r")]]
        grf_l = contact_forces[:, [j for j, s in enumerate(m.spheres) if s.name.endswith("_l")]]
        self.outputs = ca.Function("outputs", [xs, us, p],
                                   [force, ca.sum2(grf_r), ca.sum2(grf_l)],
                                   ["xs", "us", "p"], ["force", "grf_r", "grf_l"])

    def _metabolic_rate(self, a: ca.SX, da: ca.SX, lm_norm: ca.SX, vm_norm: ca.SX, active: ca.SX,
                        passive: ca.SX) -> ca.SX:
        """Metabolic energy rate of each muscle (W), Bhargava et al. (2004) smoothed (sim.cas.metabolics).

        Activation stands for excitation unless ``metabolic_excitation`` is True (then the
        excitation is recovered from the activation rate; at 50 intervals that variant did not
        converge in 1000 iterations). Muscle mass and
        F_iso use the nominal maximal isometric force (a strength knob weakens the force,
        not the muscle mass).
        """
        ms = self.model.muscles
        fmax = np.array([mu.max_isometric_force for mu in ms])
        lopt = np.array([mu.optimal_fiber_length for mu in ms])
        vmax = np.array([mu.max_contraction_velocity for mu in ms]) * lopt
        mass = metabolics.muscle_masses(fmax, lopt)
        slow = metabolics.slow_twitch_fractions(self.model.muscle_names)
        u = (metabolics.excitation_from_activation_rate(a, da, TAU_ACT, TAU_DEACT)
             if self.metabolic_excitation else a)
        total, *_ = metabolics.bhargava2004_rates(u, a, lm_norm, vm_norm * vmax, active, passive, fmax, mass, slow)
        return total

    # ------------------------------------------------------------------ NLP
    def _build_nlp(self) -> None:
        n, nx, nu = self.n, self.nx, self.nu
        X = ca.MX.sym("X", nx, n + 1)
        U = ca.MX.sym("U", nu, n + 1)
        Ts = ca.MX.sym("T")
        p = ca.MX.sym("p", 1 + self.n_k)
        T = Ts * self.s_time
        h = T / n
        xdot, eq, ineq, terms = self.node.map(n + 1)(X, U, p)
        defects = X[:, 1:] - X[:, :-1] - 0.5 * h * (xdot[:, 1:] + xdot[:, :-1])
        speed = p[0]
        distance = speed * T
        periodic = X[:, n] - X[self.state_perm, 0]
        periodic[IX] = (X[IX, n] * self.sx[IX] - X[IX, 0] * self.sx[IX] - distance) / self.sx[IX]
        quad = np.full(n + 1, 1.0)
        quad[[0, -1]] = 0.5
        integrals = h * ca.mtimes(terms, ca.DM(quad))  # per term
        w = ca.DM([self.weights[k] for k in self.term_names])
        cost_terms = w * integrals / distance
        if self.tracking is not None:
            reference, weight = self.tracking
            if reference.shape != (n + 1, N_Q):
                raise ValueError(f"tracking reference must be {(n + 1, N_Q)} (nodes x coordinates)")
            error = X[ROTATIONAL, :] * self.sx[ROTATIONAL, None] - ca.DM(reference[:, ROTATIONAL].T)
            cost_terms = ca.vertcat(cost_terms, weight * ca.sumsqr(error) / (n + 1))
            self.term_names = [*self.term_names, "tracking"]
        cost = ca.sum1(cost_terms)
        g = ca.vertcat(ca.vec(defects), ca.vec(eq), ca.vec(ineq), periodic)
        self.n_defects = defects.numel()
        self.n_eq = eq.numel()
        self.n_ineq = ineq.numel()
        self.n_periodic = nx
        wvar = ca.vertcat(ca.vec(X), ca.vec(U), Ts)
        self.nlp = {"x": wvar, "p": p, "f": cost, "g": g}
        self.cost_function = ca.Function("cost_terms", [wvar, p], [cost_terms])
        self.n_w = wvar.numel()

    def _bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        n = self.n
        lbx_x = np.tile(self.lbx_phys / self.sx, (n + 1, 1))
        ubx_x = np.tile(self.ubx_phys / self.sx, (n + 1, 1))
        lbx_x[0, IX] = ubx_x[0, IX] = 0.0
        lbx_u = np.tile(self.lbu_phys / self.su, (n + 1, 1))
        ubx_u = np.tile(self.ubu_phys / self.su, (n + 1, 1))
        lbw = np.concatenate([lbx_x.ravel(), lbx_u.ravel(), [self.time_bounds[0] / self.s_time]])
        ubw = np.concatenate([ubx_x.ravel(), ubx_u.ravel(), [self.time_bounds[1] / self.s_time]])
        nh = self.n_m
        ns = self.n_slip
        ineq_lb = np.tile(np.concatenate([np.full(nh, -np.inf), np.zeros(nh), np.full(ns, -np.inf)]), n + 1)
        ineq_ub = np.tile(np.concatenate([np.zeros(nh), np.full(nh, np.inf), np.zeros(ns)]), n + 1)
        lbg = np.concatenate([np.zeros(self.n_defects + self.n_eq), ineq_lb, np.zeros(self.n_periodic)])
        ubg = np.concatenate([np.zeros(self.n_defects + self.n_eq), ineq_ub, np.zeros(self.n_periodic)])
        return lbw, ubw, lbg, ubg

    def solver(self, max_iter: int = 1000, print_level: int | None = None, warm: bool = False) -> ca.Function:
        """The IPOPT solver for these options (built on first use, then cached); ``warm`` for a
        complete guess (see :data:`WARM_START_IPOPT`)."""
        key = (max_iter, print_level, warm)
        if key not in self._solvers:
            ipopt = {**self.ipopt, **(WARM_START_IPOPT if warm else {}), "max_iter": max_iter}
            if print_level is not None:
                ipopt["print_level"] = print_level
            opts = {"expand": True, "ipopt": ipopt, "print_time": False, "iteration_callback": self.monitor}
            self._solvers[key] = ca.nlpsol("stride", "ipopt", self.nlp, opts)
        return self._solvers[key]

    # ------------------------------------------------------------------ guess
    def initial_point(self, guess: StrideGuess, speed: float, knobs: np.ndarray) -> np.ndarray:
        """Scaled decision vector from ``guess`` (resampled; missing arrays completed)."""
        g = guess.resampled(self.n + 1)
        nodes = self.n + 1
        a = g.a if g.a is not None else np.full((nodes, self.n_m), 0.1)
        ft = g.ft if g.ft is not None else self._equilibrium_tendon_forces(g.q, g.qd, a, knobs)
        da = g.da if g.da is not None else np.zeros((nodes, self.n_m))
        dft = g.dft if g.dft is not None else np.zeros((nodes, self.n_t))
        res = g.reserves if g.reserves is not None else np.zeros((nodes, len(JOINTS)))
        x = np.column_stack([g.q, g.qd, a, ft]) / self.sx
        u = np.column_stack([g.qdd, da, dft, res]) / self.su
        lo, hi = self.lbx_phys / self.sx, self.ubx_phys / self.sx
        x = np.clip(x, lo + 1e-6, hi - 1e-6)
        x[0, IX] = 0.0
        return np.concatenate([x.ravel(), u.ravel(), [g.duration / self.s_time]])

    def _equilibrium_tendon_forces(self, q: np.ndarray, qd: np.ndarray, a: np.ndarray,
                                   knobs: np.ndarray) -> np.ndarray:
        """Tendon forces solving the Hill equilibrium with dft = 0 at every node (Newton)."""
        m = self.model
        ft = ca.SX.sym("ft", self.n_t)
        lmt, vmt, aa = ca.SX.sym("lmt", self.n_m), ca.SX.sym("vmt", self.n_m), ca.SX.sym("a", self.n_m)
        ft_all = ca.SX.zeros(self.n_m)
        for k, i in enumerate(self.compliant):
            ft_all[i] = ft[k]
        hill = m.muscle_tendon(lmt, vmt, aa, ft_all, ca.SX.zeros(self.n_m), ca.DM(knobs))[1]
        residual = ca.vertcat(*[hill[i] for i in self.compliant])
        root = ca.rootfinder("equilibrium", "newton", ca.Function("r", [ft, ca.vertcat(lmt, vmt, aa)], [residual]),
                             {"error_on_fail": False})
        out = np.zeros((q.shape[0], self.n_t))
        for k in range(q.shape[0]):
            lm, vm, _ = m.muscle_geometry(q[k], qd[k])
            sol = np.asarray(root(np.full(self.n_t, 0.3), ca.vertcat(lm, vm, a[k]))).ravel()
            out[k] = np.clip(np.nan_to_num(sol, nan=0.3), 0.0, 4.0)
        return out

    # ------------------------------------------------------------------ solve
    def solve(self, speed: float = 3.5, knobs: dict[str, float] | None = None, guess: StrideGuess | None = None,
              max_iter: int = 1000, print_level: int | None = None,
              report: Callable[[dict], None] | None = None) -> StrideSolution:
        """Solve at ``speed`` (m/s) and ``knobs``; ``guess`` defaults to the measured running stride.

        ``report`` receives one dict per IPOPT iteration (iteration, objective, infeasibility,
        elapsed_s). Ctrl-C stops IPOPT cleanly: the solution returns with status
        ``User_Requested_Stop`` and ``converged`` False.
        """
        from sim.stride.guess import data_guess

        knob_values = validate_knobs(self.spec, knobs)
        kvec = np.array([knob_values[k] for k in self.model.knob_names])
        p = np.concatenate([[speed], kvec])
        if guess is None:
            guess = data_guess(self.spec, self.n + 1, speed=speed, symmetric=self.symmetric)
        w0 = self.initial_point(guess, speed, kvec)
        lbw, ubw, lbg, ubg = self._bounds()
        complete = all(v is not None for v in (guess.a, guess.ft, guess.da, guess.dft, guess.reserves))
        solver = self.solver(max_iter, print_level, warm=complete)
        self.monitor.report = report
        self.monitor.reset(lbg, ubg)
        t0 = time.perf_counter()
        with CatchInterrupt(self.monitor):
            sol = solver(x0=w0, lbx=lbw, ubx=ubw, lbg=lbg, ubg=ubg, p=p)
        wall = time.perf_counter() - t0
        self.last_w, self.last_p = np.asarray(sol["x"]).ravel(), p
        stats = solver.stats()
        return self._unpack(np.asarray(sol["x"]).ravel(), p, knob_values, stats, wall)

    def _unpack(self, w: np.ndarray, p: np.ndarray, knobs: dict[str, float], stats: dict,
                wall: float) -> StrideSolution:
        n, nx, nu = self.n, self.nx, self.nu
        xs = w[: nx * (n + 1)].reshape(n + 1, nx)
        us = w[nx * (n + 1): (nx + nu) * (n + 1)].reshape(n + 1, nu)
        duration = w[-1] * self.s_time
        x, u = xs * self.sx, us * self.su
        force, grf_r, grf_l = (np.asarray(v) for v in self.outputs.map(n + 1)(xs.T, us.T, p))
        terms = np.asarray(self.cost_function(w, p)).ravel()
        status = stats.get("return_status", "unknown")
        return StrideSolution(
            time=np.linspace(0, duration, n + 1), q=x[:, self.iq], qd=x[:, self.iqd], qdd=u[:, self.iqdd],
            a=x[:, self.ia], ft=x[:, self.ift], da=u[:, self.ida], dft=u[:, self.idft], reserves=u[:, self.ires],
            muscle_forces=force.T, grf_r=grf_r.T, grf_l=grf_l.T, speed=float(p[0]), knobs=knobs,
            symmetric=self.symmetric, cost=float(terms.sum()),
            cost_terms=dict(zip(self.term_names, map(float, terms), strict=True)), status=status,
            iterations=int(stats.get("iter_count", -1)), wall_time=wall,
            converged=status in ("Solve_Succeeded", "Solved_To_Acceptable_Level"),
            muscle_names=list(self.model.muscle_names), body_weight=self.body_weight)
