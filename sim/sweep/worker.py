"""Solve one grid point (in a worker process: local pool or Dask), retrying from other guesses."""

from __future__ import annotations

import os
import time
from pathlib import Path

POINT_FILE = "point.json"


def solve_point(task: dict) -> dict:
    """Solve ``task['config']`` into ``task['out']`` trying ``task['guesses']`` in turn (the first as a
    multi-start, its starts in ``task['start_workers']`` processes).

    Writes ``point.json`` (atomically) last: its presence marks the point as finished. A point
    whose solve was interrupted (Ctrl-C, a cancelled job) is not finished: it gets no
    ``point.json``, so a resumed sweep solves it again.
    """
    from sim.io.atomic import write_json
    from sim.run.config import RunConfig
    from sim.run.runner import run_stride, shared_problem
    from sim.stride.classify import RESULT_RULES

    start = time.perf_counter()
    out = Path(task["out"])
    base = RunConfig.model_validate(task["config"])
    problem = shared_problem(base)
    attempts = []
    status = {}
    tried: set[str] = set()
    for k, guess in enumerate(task["guesses"]):
        if str(guess) in tried:
            continue  # already a start of the first attempt: the same deterministic solve, already failed
        # the first attempt is a multi-start (warm start plus the measured stride at several
        # stride times); retries are single starts from the next guess
        config = base.model_copy(update={"guess": guess if guess in ("data", "random") else Path(guess),
                                         "starts": base.starts if k == 0 else 1})
        status = run_stride(config, out, problem=problem, log=lambda m: None, check_residuals=False, overwrite=True,
                            start_workers=task.get("start_workers", 1) if k == 0 else 1)
        attempts.append({"guess": str(guess), "ipopt_status": status["ipopt_status"],
                         "gait": status["gait"]["label"], "iterations": status["iterations"],
                         "solve_time_s": status["solve_time_s"], "starts": status.get("starts", [])})
        tried.update(r["start"] for r in status.get("starts", []))
        if status["counts_as_result"] or status.get("interrupted"):
            break
    interrupted = bool(status.get("interrupted"))
    record = {"values": task["values"], "counts_as_result": bool(status.get("counts_as_result")) and not interrupted,
              "result_rules": RESULT_RULES,
              "attempts": attempts, "wall_time_s": time.perf_counter() - start, "worker_pid": os.getpid()}
    if not interrupted:
        write_json(out / POINT_FILE, record)
    return {"folder": out.name, "interrupted": interrupted, **record}
