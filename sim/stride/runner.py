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


def load_guess(run_dir: Path):
    """A StrideGuess from a saved run folder (warm start)."""
    from sim.stride.guess import StrideGuess

    with np.load(run_dir / "solution.npz") as data:
        return StrideGuess(float(data["duration"]), data["q"], data["qd"], data["qdd"], data["a"], data["ft"],
                           data["da"], data["dft"], data["reserves"], info={"source": str(run_dir)})


def make_guess(problem, config: RunConfig, spec: ModelSpec):
    from sim.stride.guess import data_guess, standing_guess

    if isinstance(config.guess, Path):
        return load_guess(config.guess)
    if config.guess == "random":
        return standing_guess(spec, problem.n + 1, speed=config.speed, seed=config.seed)
    return data_guess(spec, problem.n + 1, speed=config.speed, symmetric=config.symmetric)


def run_stride(config: RunConfig, out_dir: str | Path, report: Callable[[dict], None] | None = None,
               problem=None, log: Callable[[str], None] = print, check_residuals: bool = True) -> dict:
    """Solve the stride of ``config`` and write its run folder; return status.json's content."""
    from sim.results.residuals import pelvis_residuals
    from sim.results.runfolder import write_json, write_run
    from sim.stride.classify import classify
    from sim.stride.diagnostics import diagnose
    from sim.stride.problem import StrideProblem

    timings = {}
    t0 = time.perf_counter()
    spec = problem.spec if problem is not None else subject_spec(config)
    if problem is None:
        log(f"building the stride problem ({config.n_intervals} intervals, "
            f"{'half stride, symmetric' if config.symmetric else 'full stride'})")
        problem = StrideProblem(spec, n_intervals=config.n_intervals, symmetric=config.symmetric)
    timings["build"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    guess = make_guess(problem, config, spec)
    timings["guess"] = time.perf_counter() - t1
    log(f"solving at {config.speed} m/s, knobs {config.knobs or 'default'} (guess: {config.guess})")
    solution = problem.solve(config.speed, config.knobs, guess=guess, max_iter=config.max_iter,
                             print_level=0, report=report)
    timings["solve"] = solution.wall_time
    gait = asdict(classify(solution))
    if not solution.converged or gait["label"] != "running":
        gait["diagnostics"] = diagnose(problem, problem.last_w, problem.last_p, solution.duration)
    t2 = time.perf_counter()
    config_dict = config.model_dump(mode="json")
    status = write_run(out_dir, solution, spec, config_dict, gait, model=problem.model, timings=timings)
    status["timings_s"]["write"] = time.perf_counter() - t2
    metrics_path = Path(out_dir) / "metrics.json"
    if status["converged"] and metrics_path.exists() and check_residuals:
        log("checking dynamic consistency with OpenSim's inverse dynamics")
        metrics = json.loads(metrics_path.read_text())
        metrics["opensim_pelvis_residuals"] = pelvis_residuals(out_dir, solution, solution.body_weight, spec.height)
        write_json(metrics_path, metrics)
    return status
