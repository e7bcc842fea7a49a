"""Why a solve failed: the largest constraint violations by name and time, variables at bounds.

Constraint names come from the labels the transcription registered with each row of the NLP's
constraints, so they always match the rows they describe.
"""

from __future__ import annotations

import casadi as ca
import numpy as np


def diagnose(problem, solution, top: int = 8) -> dict:
    """Largest constraint violations (scaled units) and the variables sitting on a bound, at the
    NLP point of ``solution`` (a :class:`sim.stride.solve.Solution`)."""
    tr = problem.transcription
    w, p = solution.point, solution.parameters
    g = np.asarray(ca.Function("g", [tr.nlp["x"], tr.nlp["p"]], [tr.nlp["g"]])(w, p)).ravel()
    lbw, ubw = problem.scheme.variable_bounds(problem.layout, problem.n)
    violation = np.maximum(tr.lbg - g, 0) + np.maximum(g - tr.ubg, 0)
    step = solution.trajectory.duration / problem.n
    worst = np.argsort(violation)[::-1][:top]
    violations = [{"constraint": tr.labels[i][0], "time_s": round(tr.labels[i][1] * step, 4),
                   "violation": float(violation[i])} for i in worst if violation[i] > 0]
    names = problem.scheme.variable_labels(problem.layout, problem.n)
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
