"""One stride optimization from a RunConfig to a run folder: build, guess, solve, classify, write."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from sim.spec import ModelSpec, load_spec
from sim.stride.config import RunConfig


def subject_spec(config: RunConfig) -> ModelSpec:
    """The model for this run: generic, by height/mass, or scaled to a static trial."""
    spec = load_spec(config.model)
    s = config.subject
    if s.static_trial is not None:
        from sim.subject import scale_from_static_trial

        return scale_from_static_trial(spec, s.static_trial, s.mass)[0]
    if s.height is not None:
        from sim.scaling import scale_to_height_mass

        return scale_to_height_mass(spec, s.height, s.mass)
    return spec


#: built stride problems of this process, by (model, mesh, subject): building takes ~10 s
_PROBLEMS: dict[tuple, object] = {}


def shared_problem(config: RunConfig):
    """The StrideProblem for ``config``'s model, mesh and subject, built once per process.

    Knobs and speed are NLP parameters, so one problem serves every solve that differs only
    in them (sweep points, the what-if's healthy and scenario strides).
    """
    from sim.stride.problem import StrideProblem

    key = (str(config.model), config.n_intervals, config.symmetric, config.subject.model_dump_json())
    if key not in _PROBLEMS:
        _PROBLEMS[key] = StrideProblem(subject_spec(config), n_intervals=config.n_intervals,
                                       symmetric=config.symmetric)
    return _PROBLEMS[key]


def load_guess(run_dir: Path):
    """A StrideGuess from a saved run folder (warm start)."""
    from sim.stride.guess import StrideGuess

    with np.load(run_dir / "solution.npz") as data:
        return StrideGuess(float(data["duration"]), data["q"], data["qd"], data["qdd"], data["a"], data["ft"],
                           data["da"], data["dft"], data["reserves"], info={"source": str(run_dir)})


#: stride-time scales of the measured-running guess tried after the configured guess (multi-start)
STRIDE_TIME_SCALES = (1.0, 0.9, 1.1, 0.95, 1.05, 0.85, 1.15, 1.2)


def make_guess(problem, config: RunConfig, spec: ModelSpec, stride_time_scale: float | None = None):
    """The configured guess, or (``stride_time_scale`` given) the measured stride at that time scale."""
    from sim.stride.guess import data_guess, standing_guess

    if stride_time_scale is None and isinstance(config.guess, Path):
        return load_guess(config.guess)
    if stride_time_scale is None and config.guess == "random":
        return standing_guess(spec, problem.n + 1, speed=config.speed, seed=config.seed)
    return data_guess(spec, problem.n + 1, speed=config.speed, symmetric=config.symmetric,
                      stride_time_scale=stride_time_scale or 1.0)


def start_plan(config: RunConfig) -> list[tuple[str, float | None]]:
    """The starts of a multi-start solve: (label, stride-time scale of the measured guess or None).

    The configured guess comes first (a warm start, the measured stride or a random one); the
    others are the measured running stride played slower or faster, so that the optimizer
    looks into more than one basin of the (multi-modal) problem.
    """
    first = [("data" if config.guess == "data" else str(config.guess), 1.0 if config.guess == "data" else None)]
    used = {1.0} if config.guess == "data" else set()
    extra = [("data" if s == 1.0 else f"data x{s:g} stride time", s) for s in STRIDE_TIME_SCALES if s not in used]
    return (first + extra)[:config.starts]


def solve_starts(problem, config: RunConfig, spec: ModelSpec, report: Callable[[dict], None] | None = None,
                 log: Callable[[str], None] = print) -> tuple:
    """Solve from every start of :func:`start_plan`; return (chosen solution, its gait, the starts' records).

    The chosen solution is the lowest-cost converged running one; if no start gives one, the
    first start's failure is reported (with its diagnostics, computed for that start only).
    Ctrl-C ends the search after the interrupted start; what was solved before is kept.
    """
    from sim.stride.classify import classify, counts_as_result
    from sim.stride.diagnostics import diagnose

    plan = start_plan(config)
    records, candidates = [], []
    for k, (label, scale) in enumerate(plan):
        t0 = time.perf_counter()
        guess = make_guess(problem, config, spec, stride_time_scale=scale)
        guess_time = time.perf_counter() - t0
        if len(plan) > 1:
            log(f"start {k + 1}/{len(plan)}: {label}")
        solution = problem.solve(config.speed, config.knobs, guess=guess, max_iter=config.max_iter,
                                 print_level=0, report=report)
        gait = asdict(classify(solution))
        if k == 0:
            first_point = (problem.last_w, problem.last_p)  # NLP point, for diagnostics if nothing runs
        records.append({"start": label, "ipopt_status": solution.status, "gait": gait["label"],
                        "objective": solution.cost, "cadence_steps_per_min": solution.cadence,
                        "iterations": solution.iterations, "solve_time_s": solution.wall_time,
                        "guess_time_s": guess_time, "chosen": False})
        candidates.append((solution, gait))
        if len(plan) > 1:
            log(f"  {solution.status}, {gait['label']}, objective {solution.cost:.4f}, "
                f"cadence {solution.cadence:.0f} steps/min")
        if solution.status == "User_Requested_Stop":
            break
    good = [k for k, (sol, gait) in enumerate(candidates) if counts_as_result(sol, gait["label"])]
    chosen = min(good, key=lambda k: candidates[k][0].cost) if good else 0
    if not good:
        candidates[0][1]["diagnostics"] = diagnose(problem, *first_point, candidates[0][0].duration)
    records[chosen]["chosen"] = True
    return *candidates[chosen], records


def run_stride(config: RunConfig, out_dir: str | Path, report: Callable[[dict], None] | None = None,
               problem=None, log: Callable[[str], None] = print, check_residuals: bool = True) -> dict:
    """Solve the stride of ``config`` (multi-start) and write its run folder; return status.json's content."""
    from sim.results.residuals import pelvis_residuals
    from sim.results.runfolder import write_json, write_run
    from sim.stride.problem import StrideProblem

    timings = {}
    t0 = time.perf_counter()
    spec = problem.spec if problem is not None else subject_spec(config)
    if problem is None:
        log(f"building the stride problem ({config.n_intervals} intervals, "
            f"{'half stride, symmetric' if config.symmetric else 'full stride'})")
        problem = StrideProblem(spec, n_intervals=config.n_intervals, symmetric=config.symmetric)
    timings["build"] = time.perf_counter() - t0
    log(f"solving at {config.speed} m/s, knobs {config.knobs or 'default'} "
        f"({config.starts} start{'s' if config.starts > 1 else ''}, first guess: {config.guess})")
    solution, gait, starts = solve_starts(problem, config, spec, report=report, log=log)
    timings["guess"] = sum(r["guess_time_s"] for r in starts)
    timings["solve"] = sum(r["solve_time_s"] for r in starts)
    timings["solve_chosen"] = solution.wall_time
    config_dict = config.model_dump(mode="json")
    status = write_run(out_dir, solution, spec, config_dict, gait, model=problem.model, timings=timings,
                       starts=starts, formulation=problem.formulation)
    metrics_path = Path(out_dir) / "metrics.json"
    if status["converged"] and metrics_path.exists() and check_residuals:
        log("checking dynamic consistency with OpenSim's inverse dynamics")
        metrics = json.loads(metrics_path.read_text())
        metrics["opensim_pelvis_residuals"] = pelvis_residuals(out_dir, solution, solution.body_weight, spec.height)
        write_json(metrics_path, metrics)
    return status
