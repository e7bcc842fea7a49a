"""Prototype predictive running stride: coarse and fine mesh solves from the measured-data guess.

Run: python benchmarks/stride_prototype.py [--speed 3.5] [--coarse 20] [--fine 50] [--verbose]
Prints, per solve: build time, wall time, IPOPT iterations, status, gait class, cadence,
stride length, duty factor, flight fraction, peak vertical GRF (body weights) and cost terms.
Results are also written to benchmarks/results/stride_prototype.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from sim.spec import load_spec
from sim.stride import StrideProblem, StrideSolution, classify, data_guess

RESULTS = Path(__file__).resolve().parent / "results" / "stride_prototype.json"


def summary(label: str, problem: StrideProblem, solution: StrideSolution) -> dict:
    """Metrics of one solve, printed as one block and returned as a dict."""
    gait = classify(solution)
    row = {
        "label": label, "intervals": problem.n, "build_s": round(problem.build_time, 2),
        "wall_s": round(solution.wall_time, 2), "iterations": solution.iterations,
        "status": solution.status, "converged": solution.converged, "gait": gait.label,
        "cadence_steps_per_min": round(solution.cadence, 1), "stride_length_m": round(solution.stride_length, 3),
        "stride_time_s": round(solution.stride_time, 3), "duty_factor": round(gait.duty_factor, 3),
        "flight_fraction": round(gait.flight_fraction, 3), "peak_vertical_grf_bw": round(gait.peak_vertical_grf_bw, 2),
        "cost": round(solution.cost, 4), "cost_terms": {k: round(v, 5) for k, v in solution.cost_terms.items()},
    }
    print(f"[{label}] {problem.n} intervals: {row['wall_s']} s, {row['iterations']} iterations, {row['status']}"
          f" -> {row['gait']}; cadence {row['cadence_steps_per_min']} steps/min, stride {row['stride_length_m']} m,"
          f" duty factor {row['duty_factor']}, flight {row['flight_fraction']},"
          f" peak vGRF {row['peak_vertical_grf_bw']} BW; cost {row['cost_terms']}", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=3.5)
    parser.add_argument("--coarse", type=int, default=20)
    parser.add_argument("--fine", type=int, default=50)
    parser.add_argument("--verbose", action="store_true", help="print IPOPT iterations")
    args = parser.parse_args()
    print_level = 5 if args.verbose else 0
    spec = load_spec()
    rows = []
    solutions = {}
    for label, n in (("coarse", args.coarse), ("fine", args.fine)):
        t0 = time.perf_counter()
        problem = StrideProblem(spec, n_intervals=n)
        problem.solver(print_level=print_level)  # build IPOPT (expansion, derivatives) up front
        problem.build_time = time.perf_counter() - t0
        guess = data_guess(spec, n + 1, speed=args.speed)
        solution = problem.solve(args.speed, guess=guess, print_level=print_level)
        rows.append(summary(f"{label} cold", problem, solution))
        solutions[label] = (problem, solution)
    # mesh refinement: the fine problem warm-started from the coarse solution
    problem = solutions["fine"][0]
    warm = problem.solve(args.speed, guess=solutions["coarse"][1].as_guess(), print_level=print_level)
    rows.append(summary("fine warm-started from coarse", problem, warm))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": platform.platform(), "processor": platform.processor(),
                                   "speed_m_per_s": args.speed, "runs": rows}, indent=2) + "\n")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
