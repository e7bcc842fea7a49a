"""Second-order backward differentiation (BDF2) collocation of the stride problem.

Why: the trapezoidal rule is A-stable but not L-stable. A stiff mode, such as the heel's
stick-slip friction (about 6000 N s/m at the 0.2 m/s transition on a foot of a few kilograms:
time constants below a millisecond against a 7 ms interval), is not damped by it but flips sign
from node to node, so contact forces can zig-zag between nodes. BDF2 is L-stable (a stiff mode
decays within one interval), second-order accurate like the trapezoidal rule, and keeps its
grid: one node every ``T / n`` with the same variables, so the Trajectory has every node the
NLP has, equally spaced.

At node ``k = 1..n``: ``(3 x_k - 4 x_{k-1} + x_{k-2}) / (2 h) = f(x_k, u_k)``; the node before
node 0 is the mirror image of node ``n - 1`` a half stride (or a stride) earlier (periodicity).
The model's path constraints hold at nodes 1..n; node 0 is node ``n`` seen from the other side,
so it carries no controls of its own: the Trajectory gives it node ``n``'s, mirrored. Integral
goals: the trapezoidal rule, which for a periodic integrand is ``h`` times the sum over nodes 1..n.

Decision vector ``w = [vec(X), vec(U), T]``: scaled states at the ``n + 1`` nodes, scaled
controls at nodes 1..n, the scaled duration. Constraints ``g``: the BDF2 defects of nodes 1..n,
the equality and inequality path constraints at nodes 1..n, the (mirror-)periodicity of the
states (``pelvis_tx`` imposes the average speed).
"""

from __future__ import annotations

import casadi as ca
import numpy as np

from sim.stride.transcription.trapezoidal import Transcription, assemble, grid_bounds
from sim.stride.variables import IX, Layout


def transcribe(layout: Layout, node, n: int, weights: list[float], goal_names: list[str], equalities: list,
               inequalities: list, tracking=None) -> Transcription:
    """The NLP of ``n`` BDF2 intervals (same arguments as the trapezoidal transcription)."""
    nx, nu = layout.nx, layout.nu
    X = ca.MX.sym("X", nx, n + 1)
    U = ca.MX.sym("U", nu, n)
    Ts = ca.MX.sym("T")
    p = ca.MX.sym("p", node.size1_in(2))
    T = Ts * layout.s_time
    h = T / n
    speed = p[0]
    distance = speed * T
    xdot, eq, ineq, terms = node.map(n)(X[:, 1:], U, p)
    # the node before node 0: node n - 1 mirrored, its pelvis_tx one (half) stride behind
    before = X[layout.state_perm, n - 1]
    before[IX] = (X[IX, n - 1] * layout.sx[IX] - distance) / layout.sx[IX]
    previous2 = ca.horzcat(before, X[:, : n - 1])  # x_{k-2} for k = 1..n
    defects = 3 * X[:, 1:] - 4 * X[:, :-1] + previous2 - 2 * h * xdot
    integrals = h * ca.sum2(terms)
    cost_terms = ca.DM(weights) * integrals / distance
    return assemble(layout, n, X, U, Ts, p, distance, [defects], eq, ineq, cost_terms, goal_names, X, tracking,
                    _constraint_layout(layout, n, equalities, inequalities))


def _constraint_layout(layout: Layout, n: int, equalities: list, inequalities: list):
    """Label (with its node) and bounds of every row of g, in the order :func:`transcribe` stacks them."""
    states = layout.state_labels()
    labels: list[tuple[str, float]] = []
    for k in range(1, n + 1):
        labels += [(f"collocation defect of {s}", float(k)) for s in states]
    lower, upper = [np.zeros(n * layout.nx)], [np.zeros(n * layout.nx)]
    for group in (equalities, inequalities):
        rows = [label for c in group for label in c.labels]
        for k in range(1, n + 1):
            labels += [(label, float(k)) for label in rows]
        lower.append(np.tile(np.concatenate([c.lower for c in group] or [np.zeros(0)]), n))
        upper.append(np.tile(np.concatenate([c.upper for c in group] or [np.zeros(0)]), n))
    labels += [(f"periodicity of {s}", float(n)) for s in states]
    lower.append(np.zeros(layout.nx))
    upper.append(np.zeros(layout.nx))
    return labels, np.concatenate(lower), np.concatenate(upper)


def variable_bounds(layout: Layout, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Scaled bounds of w: the blocks' physical bounds at every node, pelvis_tx(0) = 0, the duration."""
    return grid_bounds(layout, n + 1, n)


def variable_labels(layout: Layout, n: int) -> list[tuple[str, float]]:
    """(name, node) of every element of w, for diagnostics."""
    return ([(s, float(k)) for k in range(n + 1) for s in layout.state_labels()]
            + [(c, float(k)) for k in range(1, n + 1) for c in layout.control_labels()] + [("stride duration", 0.0)])


def initial_point(layout: Layout, n: int, states: np.ndarray, controls: np.ndarray, duration: float) -> np.ndarray:
    """Scaled w from physical states and controls at the ``n + 1`` nodes (nodes x quantities),
    clipped into the bounds; node 0's controls are not variables."""
    x = states / layout.sx
    u = controls[1:] / layout.su
    lo, hi = layout.lbx_phys / layout.sx, layout.ubx_phys / layout.sx
    x = np.clip(x, lo + 1e-6, hi - 1e-6)
    x[0, IX] = 0.0
    return np.concatenate([x.ravel(), u.ravel(), [duration / layout.s_time]])


def unpack(layout: Layout, n: int, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """(scaled states, scaled controls, physical states, physical controls, duration) at the
    ``n + 1`` nodes; node 0's controls are node n's, mirrored."""
    nx, nu = layout.nx, layout.nu
    xs = w[: nx * (n + 1)].reshape(n + 1, nx)
    u = w[nx * (n + 1): nx * (n + 1) + nu * n].reshape(n, nu)
    us = np.vstack([u[-1, layout.control_perm], u])
    return xs, us, xs * layout.sx, us * layout.su, float(w[-1] * layout.s_time)
