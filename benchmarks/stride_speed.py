"""Speed of the stride optimization: cold baseline and warm-started neighbour.

Run: python benchmarks/stride_speed.py [--intervals 50]
Measures, on this machine: problem build time; the baseline solve (3.5 m/s, healthy, from the
measured-data guess) and a warm-started neighbour (glute_strength 0.8 from the baseline
solution): wall time, IPOPT iterations, time per iteration, and the split between function
evaluations (objective, constraints, derivatives: CasADi) and IPOPT's own work (linear
algebra). Targets (2-core machine): cold <= 60 s, warm <= 15 s, <= 400 iterations.
Writes benchmarks/results/stride_speed.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import casadi as ca
import numpy as np

from sim.model.spec import load_spec
from sim.run.config import make_config
from sim.run.starts import solve_starts
from sim.stride import StrideProblem, classify

EVALUATION_KEYS = ("nlp_f", "nlp_g", "nlp_grad_f", "nlp_jac_g", "nlp_hess_l")


def measured(problem: StrideProblem, solution, label: str, warm: bool = False) -> dict:
    stats = problem.solver.ipopt(1000, 0, warm).stats()
    evaluation = sum(stats.get(f"t_wall_{k}", 0.0) for k in EVALUATION_KEYS)
    gait = classify(solution)
    r = solution.report
    row = {"case": label, "status": r.status, "converged": r.converged, "gait": gait.label,
           "wall_s": round(r.wall_time, 2), "iterations": r.iterations,
           "s_per_iteration": round(r.wall_time / max(r.iterations, 1), 4),
           "function_evaluations_s": round(evaluation, 2),
           "ipopt_internal_s": round(r.wall_time - evaluation, 2),
           "cadence_steps_per_min": round(solution.trajectory.cadence, 1)}
    print(f"{label}: {row['wall_s']} s, {row['iterations']} iterations ({row['s_per_iteration']} s each; "
          f"evaluations {row['function_evaluations_s']} s, IPOPT {row['ipopt_internal_s']} s) -> "
          f"{r.status}, {gait.label}", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=50)
    args = parser.parse_args()
    t0 = time.perf_counter()
    problem = StrideProblem(load_spec(), n_intervals=args.intervals)
    problem.solver.ipopt(1000, 0)
    build = time.perf_counter() - t0
    n_w = problem.transcription.n_w
    print(f"build ({args.intervals} intervals, {n_w} variables): {build:.1f} s", flush=True)
    cold = problem.solve(3.5, max_iter=1000, print_level=0)
    rows = [measured(problem, cold, "cold baseline 3.5 m/s")]
    t1 = time.perf_counter()
    outcome = solve_starts(problem, make_config(), problem.spec, log=lambda m: None)
    kept, starts = outcome.solution, outcome.starts
    total = time.perf_counter() - t1
    # the neighbour warm-started from the baseline the main job keeps (best of 3 starts), and, for
    # the record, from the single cold start's solution when that is a different local optimum
    sources = [("warm glute_strength 0.8 (from the kept baseline)", kept)]
    if not np.array_equal(kept.trajectory.q, cold.trajectory.q):
        sources.append(("warm glute_strength 0.8 (from the cold single start)", cold))
    for label, source in sources:
        neighbour = problem.solve(3.5, knobs={"glute_strength": 0.8}, guess=source.trajectory.as_guess(), max_iter=1000,
                                  print_level=0)
        rows.append(measured(problem, neighbour, label, warm=True))
    multi = {"starts": [{k: r[k] for k in ("start", "ipopt_status", "gait", "objective", "cadence_steps_per_min",
                                           "iterations", "solve_time_s", "chosen")} for r in starts],
             "total_s": round(total, 2)}
    print(f"baseline, 3 starts: {multi['total_s']} s in all; kept: "
          f"{next(r['start'] for r in starts if r['chosen'])}", flush=True)
    results = {"intervals": args.intervals, "variables": n_w, "build_s": round(build, 2), "solves": rows,
               "multi_start_baseline": multi,
               "machine": {"cpu": platform.processor() or platform.machine(), "casadi": ca.__version__,
                           "python": platform.python_version()}}
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "stride_speed.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
