"""Trapezoidal direct collocation of the stride problem.

Chosen over Radau-3/Hermite-Simpson because every node carries the same (mapped) path
function, the NLP has the fewest variables per unit of time resolution, and with the implicit
formulation the constraint Jacobian is very sparse; for contact-rich running, resolution in
time (more nodes) matters more than order.

Decision vector ``w = [vec(X), vec(U), T]``: scaled states and controls at the ``n + 1`` nodes
(column-major, node by node) and the scaled duration. Constraints ``g``, in order: the
collocation defects of every interval, the equality path constraints at every node, the
inequality path constraints at every node, and the (mirror-)periodicity of the states, whose
``pelvis_tx`` row imposes the average speed. Node ``n`` is tied to node 0 by the periodicity.
The objective is the sum of the weighted goals: integral goals by the trapezoidal rule,
divided by the distance run.
"""

from __future__ import annotations

from dataclasses import dataclass

import casadi as ca
import numpy as np

from sim.stride.variables import IX, N_Q, ROTATIONAL, Layout


@dataclass
class Transcription:
    """The NLP of one stride problem and everything needed to read it."""

    nlp: dict
    cost_function: ca.Function  # (w, p) -> weighted value of each goal
    goal_names: list[str]
    labels: list[tuple[str, int]]  # (constraint, node) of every row of g
    lbg: np.ndarray
    ubg: np.ndarray
    n_w: int

    @property
    def n_g(self) -> int:
        return len(self.labels)


def transcribe(layout: Layout, node, n: int, weights: list[float], goal_names: list[str], equalities: list,
               inequalities: list, tracking=None) -> Transcription:
    """The NLP of ``n`` trapezoidal intervals.

    ``node``: CasADi Function (xs, us, p) -> (xdot, eq, ineq, integrands) of one node, its
    rows in the order of ``equalities``, ``inequalities`` and ``goal_names``; ``tracking`` an
    optional :class:`sim.stride.goals.Tracking` goal on the nodes' angles.
    """
    nx, nu = layout.nx, layout.nu
    X = ca.MX.sym("X", nx, n + 1)
    U = ca.MX.sym("U", nu, n + 1)
    Ts = ca.MX.sym("T")
    p = ca.MX.sym("p", node.size1_in(2))
    T = Ts * layout.s_time
    h = T / n
    xdot, eq, ineq, terms = node.map(n + 1)(X, U, p)
    defects = X[:, 1:] - X[:, :-1] - 0.5 * h * (xdot[:, 1:] + xdot[:, :-1])
    speed = p[0]
    distance = speed * T
    quad = np.full(n + 1, 1.0)
    quad[[0, -1]] = 0.5
    integrals = h * ca.mtimes(terms, ca.DM(quad))  # per goal
    cost_terms = ca.DM(weights) * integrals / distance
    return assemble(layout, n, X, U, Ts, p, distance, [defects], eq, ineq, cost_terms, goal_names, X, tracking,
                    _constraint_layout(layout, n, equalities, inequalities))


def _constraint_layout(layout: Layout, n: int, equalities: list, inequalities: list):
    """Label and bounds of every row of g, in the order :func:`transcribe` stacks them."""
    states = layout.state_labels()
    labels: list[tuple[str, int]] = []
    for k in range(n):  # defects: column-major over intervals
        labels += [(f"collocation defect of {s}", k) for s in states]
    lower, upper = [np.zeros(n * layout.nx)], [np.zeros(n * layout.nx)]
    for group in (equalities, inequalities):
        rows = [label for c in group for label in c.labels]
        for k in range(n + 1):
            labels += [(label, k) for label in rows]
        lower.append(np.tile(np.concatenate([c.lower for c in group] or [np.zeros(0)]), n + 1))
        upper.append(np.tile(np.concatenate([c.upper for c in group] or [np.zeros(0)]), n + 1))
    labels += [(f"periodicity of {s}", n) for s in states]
    lower.append(np.zeros(layout.nx))
    upper.append(np.zeros(layout.nx))
    return labels, np.concatenate(lower), np.concatenate(upper)


def variable_bounds(layout: Layout, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Scaled bounds of w: the blocks' physical bounds at every node, pelvis_tx(0) = 0, the duration."""
    return grid_bounds(layout, n + 1, n + 1)


def variable_labels(layout: Layout, n: int) -> list[tuple[str, float]]:
    """(name, time in intervals) of every element of w, for diagnostics."""
    return ([(s, float(k)) for k in range(n + 1) for s in layout.state_labels()]
            + [(c, float(k)) for k in range(n + 1) for c in layout.control_labels()] + [("stride duration", 0.0)])


def initial_point(layout: Layout, n: int, states: np.ndarray, controls: np.ndarray, duration: float) -> np.ndarray:
    """Scaled w from physical states and controls (nodes x quantities), clipped into the bounds."""
    x = states / layout.sx
    u = controls / layout.su
    lo, hi = layout.lbx_phys / layout.sx, layout.ubx_phys / layout.sx
    x = np.clip(x, lo + 1e-6, hi - 1e-6)
    x[0, IX] = 0.0
    return np.concatenate([x.ravel(), u.ravel(), [duration / layout.s_time]])


def unpack(layout: Layout, n: int, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """(scaled states, scaled controls, physical states, physical controls, duration) from w."""
    nx, nu = layout.nx, layout.nu
    xs = w[: nx * (n + 1)].reshape(n + 1, nx)
    us = w[nx * (n + 1): (nx + nu) * (n + 1)].reshape(n + 1, nu)
    return xs, us, xs * layout.sx, us * layout.su, float(w[-1] * layout.s_time)


def assemble(layout: Layout, n: int, X, U, Ts, p, distance, defects: list, eq, ineq, cost_terms,
             goal_names: list[str], mesh, tracking, layout_of_g) -> Transcription:
    """The NLP from a scheme's pieces: ``defects`` (matrices, stacked in order), the path
    constraints, the weighted goal values, the states at the ``n + 1`` mesh nodes (for
    ``tracking``) and ``layout_of_g`` = (labels, lbg, ubg); adds the (mirror-)periodicity of the
    last state column to the first, ``pelvis_tx`` one (half) stride on."""
    periodic = X[:, -1] - X[layout.state_perm, 0]
    periodic[IX] = (X[IX, -1] * layout.sx[IX] - X[IX, 0] * layout.sx[IX] - distance) / layout.sx[IX]
    names = list(goal_names)
    if tracking is not None:
        if tracking.reference.shape != (n + 1, N_Q):
            raise ValueError(f"tracking reference must be {(n + 1, N_Q)} (nodes x coordinates)")
        error = mesh[ROTATIONAL, :] * layout.sx[ROTATIONAL, None] - ca.DM(tracking.reference[:, ROTATIONAL].T)
        cost_terms = ca.vertcat(cost_terms, tracking.weight * ca.sumsqr(error) / (n + 1))
        names.append(tracking.name)
    g = ca.vertcat(*[ca.vec(D) for D in defects], ca.vec(eq), ca.vec(ineq), periodic)
    wvar = ca.vertcat(ca.vec(X), ca.vec(U), Ts)
    labels, lbg, ubg = layout_of_g
    return Transcription(nlp={"x": wvar, "p": p, "f": ca.sum1(cost_terms), "g": g},
                         cost_function=ca.Function("cost_terms", [wvar, p], [cost_terms]),
                         goal_names=names, labels=labels, lbg=lbg, ubg=ubg, n_w=wvar.numel())


def grid_bounds(layout: Layout, state_points: int, control_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Scaled bounds of w: the blocks' physical bounds at every state and control point,
    pelvis_tx(0) = 0, the duration."""
    lbx_x = np.tile(layout.lbx_phys / layout.sx, (state_points, 1))
    ubx_x = np.tile(layout.ubx_phys / layout.sx, (state_points, 1))
    lbx_x[0, IX] = ubx_x[0, IX] = 0.0
    lbx_u = np.tile(layout.lbu_phys / layout.su, (control_points, 1))
    ubx_u = np.tile(layout.ubu_phys / layout.su, (control_points, 1))
    t_lo, t_hi = layout.time_bounds
    lbw = np.concatenate([lbx_x.ravel(), lbx_u.ravel(), [t_lo / layout.s_time]])
    ubw = np.concatenate([ubx_x.ravel(), ubx_u.ravel(), [t_hi / layout.s_time]])
    return lbw, ubw
