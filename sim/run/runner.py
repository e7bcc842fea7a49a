"""One stride optimization from a RunConfig to a run folder: build, guess, solve, classify, write."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sim.model.spec import ModelSpec, load_spec
from sim.run.config import RunConfig


def subject_spec(config: RunConfig) -> ModelSpec:
    """The model for this run: generic, by height/mass, or scaled to a static trial."""
    spec = load_spec(config.model)
    s = config.subject
    if s.static_trial is not None:
        from sim.osim.subject import scale_from_static_trial

        return scale_from_static_trial(spec, s.static_trial, s.mass)[0]
    if s.height is not None:
        from sim.model.scaling import scale_to_height_mass

        return scale_to_height_mass(spec, s.height, s.mass)
    return spec


#: built stride problems of this process, by (model, mesh, subject): building takes ~10 s
_PROBLEMS: dict[tuple, object] = {}


def shared_problem(config: RunConfig, spec: ModelSpec | None = None):
    """The StrideProblem for ``config``'s model, mesh and subject, built once per process;
    ``spec``: that subject's model when the caller has it already (not scaled again).

    Knobs and speed are NLP parameters, so one problem serves every solve that differs only
    in them (sweep points, the what-if's healthy and scenario strides, a run's parallel starts).
    """
    from sim.stride.problem import StrideProblem

    key = (str(config.model), config.n_intervals, config.symmetric, config.subject.model_dump_json())
    if key not in _PROBLEMS:
        _PROBLEMS[key] = StrideProblem(spec or subject_spec(config), n_intervals=config.n_intervals,
                                       symmetric=config.symmetric)
    return _PROBLEMS[key]


def run_stride(config: RunConfig, out_dir: str | Path, report: Callable[[dict], None] | None = None,
               problem=None, log: Callable[[str], None] = print, check_residuals: bool = True,
               overwrite: bool = False, start_workers: int = 1) -> dict:
    """Solve the stride of ``config`` (multi-start) and write its run folder; return status.json's content.

    ``start_workers`` > 1 solves the starts in that many processes at once (:mod:`sim.run.parallel_starts`).
    A folder that holds a result is replaced only by a result and only with ``overwrite``
    (:func:`sim.results.writer.write_run`); a failure goes beside it (``status["written_to"]``).
    """
    from sim.results.writer import check_target, write_run
    from sim.run.starts import solve_starts
    from sim.stride.problem import StrideProblem

    check_target(out_dir, overwrite)
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
    t_starts = time.perf_counter()
    outcome = solve_starts(problem, config, spec, report=report, log=log, workers=start_workers)
    timings["starts_wall"] = time.perf_counter() - t_starts  # the search; less than guess + solve in processes
    timings["guess"] = sum(r["guess_time_s"] for r in outcome.starts)
    timings["solve"] = sum(r["solve_time_s"] for r in outcome.starts)
    timings["solve_chosen"] = outcome.solution.report.wall_time
    if check_residuals and outcome.solution.report.converged:
        log("writing the run folder and checking dynamic consistency with OpenSim's inverse dynamics")
    return write_run(out_dir, outcome.solution, spec, config.model_dump(mode="json"), outcome.gait,
                     model=problem.model, timings=timings, starts=outcome.starts, formulation=problem.formulation,
                     overwrite=overwrite, interrupted=outcome.interrupted, check_residuals=check_residuals,
                     near_best=[s.trajectory for s in outcome.near_best])
