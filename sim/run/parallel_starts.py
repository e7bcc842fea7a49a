"""A multi-start's starts solved in several processes at once.

Each worker process (spawned: it imports casadi, never opensim) builds the run's stride problem
once and solves the starts it is given; two solves side by side on the 2-core machine each run as
fast as one alone (docs/performance.md, 'Levers'). Progress comes back through a queue; Ctrl-C
stops every running start at its next iteration and keeps what was solved.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import signal
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from sim.model.spec import ModelSpec
from sim.run.config import RunConfig

#: a worker's channel to the driver (progress out, the stop request in), set by :func:`_start_worker`
_CHANNEL: dict[str, object] = {}


def _start_worker(messages, stop) -> None:
    """Worker initializer: Ctrl-C reaches the driver, which stops the workers through ``stop``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _CHANNEL.update(messages=messages, stop=stop)


def _solve_one(config_json: str, spec_json: str, index: int) -> tuple:
    """Start ``index`` of the plan, in a worker: (index, record, solution, gait, interrupted)."""
    from sim.run.runner import shared_problem
    from sim.run.starts import solve_start, start_plan

    messages, stop = _CHANNEL["messages"], _CHANNEL["stop"]
    config, spec = RunConfig.model_validate_json(config_json), ModelSpec.model_validate_json(spec_json)
    problem = shared_problem(config, spec)  # built once per worker
    start = start_plan(config)[index]

    def report(entry: dict) -> None:
        messages.put(("report", index, entry))
        if stop.is_set():  # the driver was interrupted: stop this start (and its first problem) now
            problem.stop_solves()

    record, solution, gait, interrupted = solve_start(problem, config, spec, start, report,
                                                      log=lambda m: messages.put(("log", index, m)))
    return index, record, solution, gait, interrupted


def solve_in_processes(config: RunConfig, spec: ModelSpec, plan: list, workers: int,
                       report: Callable[[dict], None] | None, log: Callable[[str], None]) -> tuple[list, list, bool]:
    """Every start of ``plan`` in ``workers`` processes; (records, (solution, gait) pairs, interrupted),
    both lists in plan order, the starts Ctrl-C kept from finishing left out."""
    context = multiprocessing.get_context("spawn")
    messages, stop = context.Queue(), context.Event()
    done: dict[int, tuple] = {}
    interrupted = False
    log(f"{len(plan)} starts in {workers} processes (each builds the problem once)")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(messages, stop)) as pool:
        pending = {pool.submit(_solve_one, config.model_dump_json(), spec.model_dump_json(), k)
                   for k in range(len(plan))}
        while pending:
            try:
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in finished:
                    if future.cancelled():
                        continue
                    k, record, solution, gait, stopped = future.result()
                    interrupted |= stopped
                    if record is not None:
                        done[k] = (record, solution, gait)
                        log(f"start {k + 1}/{len(plan)}: {plan[k].label}: {record['ipopt_status']}, {gait['label']}, "
                            f"objective {record['objective']:.4f}")
                _relay(messages, report, log)
            except KeyboardInterrupt:
                if interrupted:  # second Ctrl-C: give up at once
                    raise
                interrupted = True
                stop.set()
                for future in pending:
                    future.cancel()  # not started: not run; running: stopped at their next iteration
                log("interrupted: stopping the running starts, keeping what was solved")
        _relay(messages, report, log)
    if not done:
        raise KeyboardInterrupt
    order = sorted(done)
    return ([done[k][0] for k in order], [(done[k][1], done[k][2]) for k in order], interrupted)


def _relay(messages, report: Callable[[dict], None] | None, log: Callable[[str], None]) -> None:
    """The workers' progress so far: their log lines, and their iterations to ``report``."""
    while True:
        try:
            kind, index, payload = messages.get_nowait()
        except queue_module.Empty:
            return
        if kind == "log":
            log(f"start {index + 1}: {payload.strip()}")
        elif report is not None:
            report({**payload, "start": index + 1})
