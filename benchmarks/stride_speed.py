"""Speed of the stride optimization against its goals (2-core machine): the main job cold, a
warm-started neighbour, the time per IPOPT iteration, the 100-interval baseline.

Run: python benchmarks/stride_speed.py [--intervals 50] [--starts 9] [--out PATH]

Measures, on this machine:

* the main job cold: ``stridesim run`` in a fresh process (model build, every start, writing,
  the OpenSim residual check and the figure), wall time and its parts from ``status.json``;
* one start from the measured stride in this process: IPOPT iterations, time per iteration and
  its split between function evaluations (CasADi: objective, constraints and their derivatives)
  and IPOPT's own work (mostly the linear solver, MUMPS);
* a warm-started neighbour (glute_strength 0.8 from the main job's folder, as a sweep starts one:
  the stride and IPOPT's multipliers), and the same from the stride alone;
* the 100-interval baseline warm-started from the main job's stride (one start), as
  docs/validation.md solves it.

A solve that did not converge is reported with its status, never as a figure against a goal.
Writes benchmarks/results/stride_speed.json (atomically).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: issue goals on the 2-core machine (seconds)
GOALS = {"main_job_cold_s": 20.0, "warm_neighbour_s": 2.0, "s_per_iteration": 0.050, "baseline_100_intervals_s": 30.0}
EVALUATION_KEYS = ("nlp_f", "nlp_g", "nlp_grad_f", "nlp_jac_g", "nlp_hess_l")
DEFAULT_OUT = Path(__file__).parent / "results" / "stride_speed.json"


def _main_job(out: Path, starts: int) -> dict:
    """``stridesim run`` in a fresh process; its wall time and the parts status.json records."""
    command = [sys.executable, "-m", "sim", "run", "-o", str(out), "--starts", str(starts)]
    t0 = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    status = json.loads((out / "status.json").read_text()) if (out / "status.json").exists() else {}
    row = {"command": " ".join(["stridesim", *command[3:]]), "exit_code": proc.returncode, "wall_s": round(wall, 2),
           "converged": bool(status.get("converged")), "counts_as_result": bool(status.get("counts_as_result")),
           "ipopt_status": status.get("ipopt_status"), "timings_s": status.get("timings_s"),
           "starts": [{k: s.get(k) for k in ("start", "ipopt_status", "iterations", "solve_time_s")}
                      for s in status.get("starts", [])]}
    print(f"main job cold ({starts} starts): {wall:.1f} s wall, {status.get('ipopt_status')}, parts "
          f"{status.get('timings_s')}", flush=True)
    return row


def _measured(problem, solution, label: str, warm: bool = False, duals: bool = False) -> dict:
    """One solve's figures: wall, iterations, time per iteration and where it goes."""
    from sim.stride import classify

    stats = problem.solver.ipopt(1000, 0, warm, duals).stats()
    evaluation = sum(stats.get(f"t_wall_{k}", 0.0) for k in EVALUATION_KEYS)
    r = solution.report
    row = {"case": label, "status": r.status, "converged": r.converged, "gait": classify(solution).label,
           "wall_s": round(r.wall_time, 2), "iterations": r.iterations,
           "s_per_iteration": round(r.wall_time / max(r.iterations, 1), 4),
           "function_evaluations_s": round(evaluation, 2), "ipopt_internal_s": round(r.wall_time - evaluation, 2),
           "evaluations_s": {k: round(stats.get(f"t_wall_{k}", 0.0), 3) for k in EVALUATION_KEYS},
           "evaluation_calls": {k: stats.get(f"n_call_{k}", 0) for k in EVALUATION_KEYS}}
    print(f"{label}: {row['wall_s']} s, {row['iterations']} iterations ({row['s_per_iteration']} s each; "
          f"evaluations {row['function_evaluations_s']} s, IPOPT {row['ipopt_internal_s']} s) -> {r.status}, "
          f"{row['gait']}", flush=True)
    return row


def _against_goals(main_job: dict, cold: dict, warm: dict, fine: dict) -> dict:
    """Each goal with the measured figure (None where the solve was not a result) and met or missed."""
    figures = {"main_job_cold_s": main_job["wall_s"] if main_job["counts_as_result"] else None,
               "warm_neighbour_s": warm["wall_s"] if warm["converged"] else None,
               "s_per_iteration": cold["s_per_iteration"],
               "baseline_100_intervals_s": fine["wall_s"] if fine["converged"] else None}
    out = {}
    for key, goal in GOALS.items():
        value = figures[key]
        out[key] = {"goal": goal, "measured": value, "met": None if value is None else bool(value <= goal)}
        verdict = "no result" if value is None else ("met" if value <= goal else "MISSED")
        print(f"  {key}: {value} (goal at most {goal}): {verdict}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=50)
    parser.add_argument("--starts", type=int, default=9, help="starts of the main job (its default: 9)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    import casadi as ca

    from sim.io.atomic import write_json
    from sim.model.spec import load_spec
    from sim.results.runfolder import RunFolder, fingerprint
    from sim.run.starts import load_guess
    from sim.stride import StrideProblem

    with tempfile.TemporaryDirectory(prefix="stridesim-speed-") as tmp:
        main_job = _main_job(Path(tmp) / "baseline", args.starts)
        kept, _ = RunFolder(Path(tmp) / "baseline").solution()
        t0 = time.perf_counter()
        problem = StrideProblem(load_spec(), n_intervals=args.intervals)
        problem.solver.ipopt(1000, 0)
        build = time.perf_counter() - t0
        print(f"build in this process ({args.intervals} intervals, {problem.transcription.n_w} variables, "
              f"{problem.transcription.n_g} constraints): {build:.1f} s", flush=True)
        cold = _measured(problem, problem.solve(3.5, max_iter=1000, print_level=0), "one start from the measured stride")
        # as a sweep warm-starts a neighbour: from the folder, with its multipliers (same model and formulation)
        neighbour = {"glute_strength": 0.8}
        from_folder = load_guess(Path(tmp) / "baseline", fingerprint(load_spec(), problem.formulation))
        warm = _measured(problem, problem.solve(3.5, knobs=neighbour, guess=from_folder, max_iter=1000, print_level=0),
                         "warm neighbour glute_strength 0.8 (from the main job's folder, with its multipliers)",
                         warm=True, duals="multipliers" in from_folder.info)
        primal = _measured(problem, problem.solve(3.5, knobs=neighbour, guess=kept.as_guess(), max_iter=1000,
                                                  print_level=0),
                           "warm neighbour glute_strength 0.8 (the stride alone, without multipliers)", warm=True)
        t1 = time.perf_counter()
        fine_problem = StrideProblem(load_spec(), n_intervals=100)
        fine_problem.solver.ipopt(1000, 0, True)
        fine_build = time.perf_counter() - t1
        fine = _measured(fine_problem, fine_problem.solve(3.5, guess=kept.as_guess(), max_iter=1000, print_level=0),
                         "100-interval baseline (warm from the main job's stride)", warm=True)
        fine["build_s"] = round(fine_build, 2)
    print("against the goals:", flush=True)
    results = {"intervals": args.intervals, "variables": problem.transcription.n_w,
               "constraints": problem.transcription.n_g, "build_s": round(build, 2), "main_job": main_job,
               "solves": [cold, warm, primal, fine], "goals": _against_goals(main_job, cold, warm, fine),
               "machine": {"cpu": platform.processor() or platform.machine(), "python": platform.python_version(),
                           "casadi": ca.__version__},
               "measured": time.strftime("%Y-%m-%dT%H:%M:%S")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_json(args.out, results)
    print(f"wrote {args.out}", flush=True)


if __name__ == "__main__":
    main()
