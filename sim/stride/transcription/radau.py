"""Radau IIA direct collocation of the stride problem (three points per interval, order 5).

Why a second scheme: the trapezoidal rule is A-stable but not L-stable. A stiff mode (the
heel's stick-slip friction, about 6000 N s/m at the 0.2 m/s transition, on a foot of a few
kilograms: time constants below a millisecond against a 7 ms interval) is not damped by it but
flips sign from node to node, so contact forces can alternate between nodes. Radau IIA is
L-stable (stiff modes decay within an interval), which is why Falisse et al. 2019 and PredSim
use it. It costs about three times the node evaluations of the trapezoidal rule per interval.

Decision vector ``w = [vec(X), vec(U), T]``: scaled states at the ``n d + 1`` points (the mesh
start, then the ``d`` collocation points of every interval, the last of which is the interval's
end), scaled controls at the ``n d`` collocation points, the scaled duration. Constraints ``g``:
collocation defects (point by point), equality and inequality path constraints at every
collocation point, the (mirror-)periodicity of the states (``pelvis_tx`` imposes the average
speed). Integral goals use the Radau quadrature. Constraint labels carry the time of their point
in units of intervals (``k + tau``).

A Trajectory is read at the ``n + 1`` mesh points, equally spaced as with the trapezoidal rule;
the controls of the first mesh point are the mirror image of the last one's (periodicity).
"""

from __future__ import annotations

from functools import cache

import casadi as ca
import numpy as np

from sim.stride.transcription.trapezoidal import Transcription, assemble, grid_bounds
from sim.stride.variables import IX, Layout

#: collocation points per interval
DEGREE = 3


@cache
def coefficients(degree: int = DEGREE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(tau, C, b): the points ``0, tau_1 .. tau_d = 1`` of one interval, ``C[r, j]`` the
    derivative of the Lagrange basis polynomial of point ``r`` at point ``j``, and ``b`` the
    Radau quadrature weights of the collocation points (they sum to 1)."""
    tau = np.r_[0.0, ca.collocation_points(degree, "radau")]
    derivative = np.zeros((degree + 1, degree + 1))
    for r in range(degree + 1):
        basis = np.poly1d([1.0])
        for s in range(degree + 1):
            if s != r:
                basis *= np.poly1d([1.0, -tau[s]]) / (tau[r] - tau[s])
        derivative[r, :] = np.polyder(basis)(tau)
    weights = np.zeros(degree)
    for j in range(degree):  # quadrature on the collocation points alone
        basis = np.poly1d([1.0])
        for s in range(degree):
            if s != j:
                basis *= np.poly1d([1.0, -tau[s + 1]]) / (tau[j + 1] - tau[s + 1])
        weights[j] = np.polyint(basis)(1.0)
    return tau, derivative, weights


def point_times(n: int, degree: int = DEGREE) -> np.ndarray:
    """Times of the ``n d + 1`` state points in units of intervals (0, k + tau_j, ..., n)."""
    tau = coefficients(degree)[0]
    return np.r_[0.0, (np.arange(n)[:, None] + tau[None, 1:]).ravel()]


def transcribe(layout: Layout, node, n: int, weights: list[float], goal_names: list[str], equalities: list,
               inequalities: list, tracking=None) -> Transcription:
    """The NLP of ``n`` Radau IIA intervals (same arguments as the trapezoidal transcription)."""
    d = DEGREE
    tau, derivative, quad = coefficients(d)
    m = n * d
    nx, nu = layout.nx, layout.nu
    X = ca.MX.sym("X", nx, m + 1)
    U = ca.MX.sym("U", nu, m)
    Ts = ca.MX.sym("T")
    p = ca.MX.sym("p", node.size1_in(2))
    T = Ts * layout.s_time
    h = T / n
    xdot, eq, ineq, terms = node.map(m)(X[:, 1:], U, p)
    # point r of interval k is column k d + r of X; collocation point j >= 1 is column k d + j - 1 of U
    starts = [X[:, list(range(r, r + m, d))] for r in range(d + 1)]  # nx x n each
    defects = [sum(float(derivative[r, j]) * starts[r] for r in range(d + 1)) - h * xdot[:, list(range(j - 1, m, d))]
               for j in range(1, d + 1)]
    speed = p[0]
    distance = speed * T
    integrals = h * ca.mtimes(terms, ca.DM(np.tile(quad, n)))
    cost_terms = ca.DM(weights) * integrals / distance
    mesh = X[:, list(range(0, m + 1, d))]
    return assemble(layout, n, X, U, Ts, p, distance, defects, eq, ineq, cost_terms, goal_names, mesh, tracking,
                    _constraint_layout(layout, n, equalities, inequalities))


def _constraint_layout(layout: Layout, n: int, equalities: list, inequalities: list):
    """Label (with its time in intervals) and bounds of every row of g, in the order of :func:`transcribe`."""
    d = DEGREE
    tau = coefficients(d)[0]
    m = n * d
    times = point_times(n, d)[1:]
    states = layout.state_labels()
    labels: list[tuple[str, float]] = []
    for j in range(1, d + 1):
        for k in range(n):
            labels += [(f"collocation defect of {s}", k + float(tau[j])) for s in states]
    lower, upper = [np.zeros(m * layout.nx)], [np.zeros(m * layout.nx)]
    for group in (equalities, inequalities):
        rows = [label for c in group for label in c.labels]
        for t in times:
            labels += [(label, float(t)) for label in rows]
        lower.append(np.tile(np.concatenate([c.lower for c in group] or [np.zeros(0)]), m))
        upper.append(np.tile(np.concatenate([c.upper for c in group] or [np.zeros(0)]), m))
    labels += [(f"periodicity of {s}", float(n)) for s in states]
    lower.append(np.zeros(layout.nx))
    upper.append(np.zeros(layout.nx))
    return labels, np.concatenate(lower), np.concatenate(upper)


def variable_bounds(layout: Layout, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Scaled bounds of w: the blocks' physical bounds at every point, pelvis_tx(0) = 0, the duration."""
    return grid_bounds(layout, n * DEGREE + 1, n * DEGREE)


def variable_labels(layout: Layout, n: int) -> list[tuple[str, float]]:
    """(name, time in intervals) of every element of w, for diagnostics."""
    times = point_times(n)
    return ([(s, float(t)) for t in times for s in layout.state_labels()]
            + [(c, float(t)) for t in times[1:] for c in layout.control_labels()] + [("stride duration", 0.0)])


def initial_point(layout: Layout, n: int, states: np.ndarray, controls: np.ndarray, duration: float) -> np.ndarray:
    """Scaled w from physical states and controls at the ``n + 1`` mesh points (nodes x
    quantities), linearly interpolated onto the collocation points and clipped into the bounds."""
    mesh = np.arange(n + 1, dtype=float)
    times = point_times(n)

    def onto(values: np.ndarray, at: np.ndarray) -> np.ndarray:
        return np.column_stack([np.interp(at, mesh, values[:, j]) for j in range(values.shape[1])])

    x = onto(states, times) / layout.sx
    u = onto(controls, times[1:]) / layout.su
    lo, hi = layout.lbx_phys / layout.sx, layout.ubx_phys / layout.sx
    x = np.clip(x, lo + 1e-6, hi - 1e-6)
    x[0, IX] = 0.0
    return np.concatenate([x.ravel(), u.ravel(), [duration / layout.s_time]])


def unpack(layout: Layout, n: int, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """(scaled states, scaled controls, physical states, physical controls, duration) at the mesh points."""
    d = DEGREE
    m = n * d
    nx, nu = layout.nx, layout.nu
    X = w[: nx * (m + 1)].reshape(m + 1, nx)
    U = w[nx * (m + 1): nx * (m + 1) + nu * m].reshape(m, nu)
    xs = X[::d]
    us = np.vstack([U[m - 1, layout.control_perm], U[d - 1:: d]])
    return xs, us, xs * layout.sx, us * layout.su, float(w[-1] * layout.s_time)
