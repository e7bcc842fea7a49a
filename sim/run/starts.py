"""Multi-start: the stride problem has several local optima, so every run tries several guesses.

The configured guess comes first (a warm start, the measured stride or a random one); the
others are the measured running stride played slower or faster, so that the optimizer looks
into more than one basin, and a continuation start: the measured stride solved first on the
model with a less dissipative contact, then on the model itself (a route into a basin the
measured stride alone does not reach; docs/stride.md, 'Multi-start'). The lowest-cost converged
running solution is kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

from sim.model.spec import ModelSpec
from sim.results.runfolder import RunFolder
from sim.run.config import RunConfig

#: stride-time scales of the measured-running guess tried after the configured guess. 1.15 comes
#: first: across the baseline and its variants it reached the best stride most often, 0.85 only
#: where every start ended within 1 % of it (docs/stride.md, 'Multi-start')
STRIDE_TIME_SCALES = (1.0, 1.15, 0.85, 0.9, 1.1, 0.95, 1.05, 1.2)

#: the continuation start: the measured stride at this stride-time scale, solved first with the
#: contact's Hunt-Crossley dissipation at this value (s/m; the model's is 2.0), then on the model.
#: Its stride lies in a basin of lower cost than any start from the measured stride reaches
#: (docs/stride.md, 'Multi-start'). It is the second start, so the default 3-start search tries it
#: (with the configured guess and the measured stride at 1.15, or at 1.0 after a warm start).
CONTINUATION = (1.15, 1.0)
CONTINUATION_POSITION = 1

#: the most starts a run can ask for (the configured guess, the stride-time scales, the continuation)
MAX_STARTS = len(STRIDE_TIME_SCALES) + 1


class Start(NamedTuple):
    """One start of a multi-start: its label, the stride-time scale of the measured guess (None:
    the configured guess) and, for the continuation start, the contact dissipation it is first
    solved with (s/m)."""

    label: str
    stride_time_scale: float | None
    via_dissipation: float | None = None


def load_guess(run_dir: Path, fingerprint: str | None = None):
    """A warm start from a saved run folder's solution; with the folder's IPOPT multipliers when
    ``fingerprint`` (of the problem to solve) is the folder's: the same model and formulation."""
    folder = RunFolder(run_dir)
    trajectory, _ = folder.solution()
    guess = trajectory.as_guess()
    guess.info["source"] = str(run_dir)
    multipliers = folder.multipliers() if fingerprint is not None and folder.fingerprint() == fingerprint else None
    if multipliers is not None:
        guess.info["multipliers"] = multipliers
    return guess


def make_guess(problem, config: RunConfig, spec: ModelSpec, stride_time_scale: float | None = None):
    """The configured guess, or (``stride_time_scale`` given) the measured stride at that time scale."""
    from sim.stride.guess import data_guess, standing_guess

    if stride_time_scale is None and isinstance(config.guess, Path):
        from sim.results.runfolder import fingerprint

        return load_guess(config.guess, fingerprint(spec, problem.formulation))
    if stride_time_scale is None and config.guess == "random":
        return standing_guess(spec, problem.n + 1, speed=config.speed, seed=config.seed)
    return data_guess(spec, problem.n + 1, speed=config.speed, symmetric=config.symmetric,
                      stride_time_scale=stride_time_scale or 1.0)


def start_plan(config: RunConfig) -> list[Start]:
    """The starts of a multi-start solve, in the order they are tried (:class:`Start`)."""
    first = [Start("data" if config.guess == "data" else str(config.guess), 1.0 if config.guess == "data" else None)]
    used = {1.0} if config.guess == "data" else set()
    extra = [Start("data" if s == 1.0 else f"data x{s:g} stride time", s) for s in STRIDE_TIME_SCALES if s not in used]
    plan = first + extra
    scale, dissipation = CONTINUATION
    plan.insert(CONTINUATION_POSITION, Start(f"data x{scale:g} stride time via contact dissipation {dissipation:g} s/m",
                                             scale, dissipation))
    return plan[:config.starts]


def continuation_guess(problem, config: RunConfig, spec: ModelSpec, start: Start, report=None):
    """The continuation start's guess: the measured stride at ``start``'s stride-time scale solved on
    the model with the contact dissipation ``start.via_dissipation``, and that solve's record."""
    via = problem.with_contact_dissipation(start.via_dissipation)
    first = make_guess(via, config, spec, stride_time_scale=start.stride_time_scale)
    solution = via.solve(config.speed, config.knobs, guess=first, max_iter=config.max_iter, print_level=0,
                         report=report)
    r = solution.report
    return solution.trajectory.as_guess(), {"status": r.status, "objective": r.objective,
                                            "iterations": r.iterations, "interrupted": r.interrupted}


@dataclass
class MultiStart:
    """The kept solution of a multi-start, its gait, every start's record, and whether Ctrl-C
    cut the search short (then not every start ran, and the kept one may not be the best)."""

    solution: object
    gait: dict
    starts: list[dict]
    interrupted: bool
    #: the other converged running solutions within :data:`NEAR_BEST` of the kept one's cost: how
    #: far apart they are is how certain the kept stride is
    near_best: list = field(default_factory=list)


#: relative cost difference within which another start counts as reaching the best cost
NEAR_BEST = 0.01


def reaching_best(starts: list[dict]) -> int:
    """How many of a run's start records (status.json ``starts``) reached the best cost: the kept one
    and those marked near-best."""
    return sum(1 for r in starts if r.get("chosen") or r.get("near_best"))


def solve_start(problem, config: RunConfig, spec: ModelSpec, start: Start,
                report: Callable[[dict], None] | None = None, log: Callable[[str], None] = print):
    """One start of :func:`start_plan`: its record (status.json ``starts``), its solution and gait
    (None when Ctrl-C stopped the continuation's first problem) and whether it was interrupted."""
    from sim.stride.classify import classify

    t0 = time.perf_counter()
    via = None
    if start.via_dissipation is None:
        guess = make_guess(problem, config, spec, stride_time_scale=start.stride_time_scale)
    else:
        guess, via = continuation_guess(problem, config, spec, start, report=report)
        log(f"  first on the contact at {start.via_dissipation:g} s/m: {via['status']}, "
            f"objective {via['objective']:.4f}")
        if via["interrupted"]:
            return None, None, None, True
    guess_time = time.perf_counter() - t0
    solution = problem.solve(config.speed, config.knobs, guess=guess, max_iter=config.max_iter,
                             print_level=0, report=report)
    gait = asdict(classify(solution, model=problem.model))
    r = solution.report
    record = {"start": start.label, "ipopt_status": r.status, "gait": gait["label"], "objective": r.objective,
              "cadence_steps_per_min": solution.trajectory.cadence, "iterations": r.iterations,
              "solve_time_s": r.wall_time, "guess_time_s": guess_time, "chosen": False,
              **({"continuation": via} if via is not None else {})}
    return record, solution, gait, r.interrupted


def solve_starts(problem, config: RunConfig, spec: ModelSpec, report: Callable[[dict], None] | None = None,
                 log: Callable[[str], None] = print, workers: int = 1) -> MultiStart:
    """Solve from every start of :func:`start_plan`; ``workers`` > 1 solves them in that many
    processes at once (:mod:`sim.run.parallel_starts`), in the same order of records.

    The kept solution is the lowest-cost converged running one; if no start gives one, the first
    start's failure is kept (with its diagnostics). Ctrl-C ends the search after the interrupted
    start; what was solved before is kept, and the outcome says it was interrupted.
    """
    plan = start_plan(config)
    if workers > 1 and len(plan) > 1:
        from sim.run.parallel_starts import solve_in_processes

        records, candidates, interrupted = solve_in_processes(config, spec, plan, workers, report, log)
    else:
        records, candidates, interrupted = [], [], False
        for k, start in enumerate(plan):
            if len(plan) > 1:
                log(f"start {k + 1}/{len(plan)}: {start.label}")
            record, solution, gait, stopped = solve_start(problem, config, spec, start, report, log)
            if record is not None:
                records.append(record)
                candidates.append((solution, gait))
                if len(plan) > 1:
                    log(f"  {record['ipopt_status']}, {gait['label']}, objective {record['objective']:.4f}, "
                        f"cadence {record['cadence_steps_per_min']:.0f} steps/min")
            if stopped:
                interrupted = True
                break
    return keep_best(problem, records, candidates, interrupted)


def keep_best(problem, records: list[dict], candidates: list, interrupted: bool) -> MultiStart:
    """The multi-start's outcome from its starts' records and (solution, gait) pairs, in plan order."""
    from sim.stride.classify import counts_as_result
    from sim.stride.diagnostics import diagnose

    good = [k for k, (sol, gait) in enumerate(candidates) if counts_as_result(sol, gait["label"])]
    chosen = min(good, key=lambda k: candidates[k][0].report.objective) if good else 0
    if not good:
        candidates[0][1]["diagnostics"] = diagnose(problem, candidates[0][0])
    records[chosen]["chosen"] = True
    best = candidates[chosen][0].report.objective
    near = [k for k in good if k != chosen and candidates[k][0].report.objective <= best + NEAR_BEST * abs(best)]
    for k in near:
        records[k]["near_best"] = True
    return MultiStart(*candidates[chosen], records, interrupted, [candidates[k][0] for k in near])
