"""Why a solve failed: the largest constraint violations by name and time, variables at bounds."""

from __future__ import annotations

import casadi as ca
import numpy as np

from sim.spec import COORDINATES


def state_names(problem) -> list[str]:
    compliant = [problem.model.muscle_names[i] for i in problem.compliant]
    return ([f"{c} (position)" for c in COORDINATES] + [f"{c} (speed)" for c in COORDINATES]
            + [f"{m} activation" for m in problem.model.muscle_names]
            + [f"{m} tendon force" for m in compliant])


def control_names(problem) -> list[str]:
    from sim.stride.problem import JOINTS

    compliant = [problem.model.muscle_names[i] for i in problem.compliant]
    return ([f"{c} acceleration" for c in COORDINATES]
            + [f"{m} activation rate" for m in problem.model.muscle_names]
            + [f"{m} tendon force rate" for m in compliant]
            + [f"{COORDINATES[j]} reserve" for j in JOINTS])


def constraint_labels(problem) -> list[tuple[str, int]]:
    """(name, node) of every NLP constraint, in the order of the NLP's g."""
    n = problem.n
    labels: list[tuple[str, int]] = []
    states = state_names(problem)
    for k in range(n):  # defects: column-major over nodes
        labels += [(f"collocation defect of {s}", k) for s in states]
    compliant = [problem.model.muscle_names[i] for i in problem.compliant]
    per_node_eq = [f"dynamics residual at {c}" for c in COORDINATES] + [f"Hill equilibrium of {m}" for m in compliant]
    for k in range(n + 1):
        labels += [(e, k) for e in per_node_eq]
    per_node_ineq = ([f"activation rise bound of {m}" for m in problem.model.muscle_names]
                     + [f"activation decay bound of {m}" for m in problem.model.muscle_names]
                     + [f"no-skid limit of {s.name}" for s in problem.model.spheres[:problem.n_slip]])
    for k in range(n + 1):
        labels += [(e, k) for e in per_node_ineq]
    labels += [(f"periodicity of {s}", n) for s in states]
    return labels


def diagnose(problem, w: np.ndarray, p: np.ndarray, duration: float, top: int = 8) -> dict:
    """Largest constraint violations (scaled units) and the variables sitting on a bound."""
    g = np.asarray(ca.Function("g", [problem.nlp["x"], problem.nlp["p"]], [problem.nlp["g"]])(w, p)).ravel()
    lbw, ubw, lbg, ubg = problem._bounds()
    violation = np.maximum(lbg - g, 0) + np.maximum(g - ubg, 0)
    labels = constraint_labels(problem)
    step = duration / problem.n
    worst = np.argsort(violation)[::-1][:top]
    violations = [{"constraint": labels[i][0], "time_s": round(labels[i][1] * step, 4),
                   "violation": float(violation[i])} for i in worst if violation[i] > 0]
    n_nodes = problem.n + 1
    names = ([(s, k) for k in range(n_nodes) for s in state_names(problem)]
             + [(c, k) for k in range(n_nodes) for c in control_names(problem)] + [("stride duration", 0)])
    span = np.maximum(ubw - lbw, 1e-12)
    at_bound = [(names[i][0], round(names[i][1] * step, 4), "lower" if w[i] - lbw[i] < 1e-6 * span[i] else "upper")
                for i in range(len(w))
                if np.isfinite(span[i]) and lbw[i] != ubw[i]
                and min(w[i] - lbw[i], ubw[i] - w[i]) < 1e-6 * span[i]]
    counts: dict[str, int] = {}
    for name, _, side in at_bound:
        counts[f"{name} at {side} bound"] = counts.get(f"{name} at {side} bound", 0) + 1
    return {"max_violation": float(violation.max()) if violation.size else 0.0,
            "largest_violations": violations,
            "variables_at_bounds": sorted(counts.items(), key=lambda kv: -kv[1])[:top]}
