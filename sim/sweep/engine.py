"""Run a sweep: warm starts from the nearest solved neighbour, local processes or a Dask
cluster through one code path (a concurrent.futures Executor), and resume after any stop."""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from sim.io.atomic import write_json
from sim.model.spec import ModelSpecError
from sim.results.runfolder import NotARunFolder, RunFolder
from sim.results.writer import versions
from sim.sweep.cluster import SlurmOptions
from sim.sweep.config import GridPoint, SweepConfig, grid_distance, grid_points, point_config, point_starts
from sim.sweep.rejudge import needs_rejudging, rejudge_point
from sim.sweep.worker import POINT_FILE, solve_point

SCHEDULER_TIMEOUT_S = 10.0


class SchedulerUnreachable(ModelSpecError):
    """The Dask scheduler address did not answer within the timeout."""


class StaleSweep(ModelSpecError):
    """The output folder holds points solved with another model: resuming would mix two models."""


def make_executor(workers: int, scheduler: str | None, cluster: SlurmOptions | None = None):
    """A concurrent.futures Executor and the function that closes it: spawned local processes, a
    Dask scheduler's executor, or the executor of a SLURM cluster started for the sweep. Dask's
    two ways share one path (:func:`_dask_executor`)."""
    if cluster is not None:
        from sim.sweep.cluster import start_slurm

        slurm = start_slurm(cluster)
        try:
            executor, close_client = _dask_executor(slurm)
        except BaseException:
            slurm.close()
            raise

        def close() -> None:
            close_client()
            slurm.close()

        return executor, close
    if scheduler is not None:
        return _dask_executor(scheduler)
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    return pool, lambda: pool.shutdown(wait=False, cancel_futures=True)


def _dask_executor(address_or_cluster):
    """The executor of a Dask client connected to a scheduler address or a cluster object."""
    from distributed import Client

    try:
        client = Client(address_or_cluster, timeout=SCHEDULER_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachable(f"could not reach the Dask scheduler at {address_or_cluster} within "
                                   f"{SCHEDULER_TIMEOUT_S:.0f} s ({exc.__class__.__name__})") from None
    executor = client.get_executor(pure=False)

    def close() -> None:
        executor.shutdown(wait=False)
        client.close()

    return executor, close


def point_state(sweep: SweepConfig, point: GridPoint, folder: Path,
                model: Callable[[GridPoint], str] | None = None) -> str:
    """'done' (finished, valid), 'todo' (absent), 'corrupt' (partial or damaged: solve again) or
    'stale' (finished with another model or stride formulation than ``model(point)``, the sweep's
    fingerprint of both)."""
    if not folder.exists() and not any(folder.parent.glob(folder.name + ".partial*")):
        return "todo"
    run = RunFolder(folder)
    try:
        run.check()
        record = json.loads((folder / POINT_FILE).read_text())
        config, status = run.config(), run.status()
    except (NotARunFolder, OSError, ValueError):
        return "corrupt"
    expected = point_config(sweep, point).model_dump(mode="json")
    same = all(config.get(k) == expected[k] for k in ("speed", "knobs", "n_intervals", "symmetric", "subject"))
    # a point counts only if its kept solve converged and its search ran to the end
    honest = not record.get("counts_as_result") or (status.get("converged") and not status.get("interrupted"))
    if not (same and honest and record.get("values") == point.values):
        return "corrupt"
    return "stale" if model is not None and run.fingerprint() != model(point) else "done"


def _root(sweep: SweepConfig, points: list[GridPoint]) -> GridPoint:
    """The point nearest the model's defaults (the healthy corner) starts the sweep."""
    from sim.model.spec import load_spec

    spec = load_spec(sweep.base.model)
    default = {k: v.default for k, v in spec.knobs.items()} | {
        "speed": sweep.base.speed, "height": sweep.base.subject.height or spec.generic_subject.height}
    return min(points, key=lambda p: sum(abs(v - default[a]) for a, v in p.values.items()))


def _expected_fingerprint(sweep: SweepConfig) -> Callable[[GridPoint], str]:
    """The fingerprint of a point's model and stride formulation (the default one, as
    :func:`sim.run.runner.shared_problem` builds it), computed on first use per runner size (a
    static-trial subject is scaled; a height axis gives each size its own model)."""
    from sim.results.runfolder import fingerprint
    from sim.run.runner import subject_spec
    from sim.stride.problem import formulation

    fingerprints: dict[str, str] = {}

    def expected(point: GridPoint) -> str:
        config = point_config(sweep, point)
        size = config.subject.model_dump_json()
        if size not in fingerprints:
            fingerprints[size] = fingerprint(subject_spec(config), formulation())
        return fingerprints[size]

    return expected


def run_sweep(sweep: SweepConfig, out_dir: str | Path, workers: int = 2, scheduler: str | None = None,
              report: Callable[[dict], None] | None = None, polish: bool | None = None,
              cluster: SlurmOptions | None = None) -> dict:
    """Solve every grid point not already solved, then (``polish``, default the sweep file's) run
    the polish pass (:mod:`sim.sweep.polish`); return counts. Safe to kill and re-run.

    Nothing is written before the points are known to be resumable and the executor (local
    processes, the Dask scheduler or the SLURM cluster's scheduler) is reached, so a refused or
    failed start leaves no trace. ``cluster`` starts SLURM worker jobs (:mod:`sim.sweep.cluster`).
    """
    out = Path(out_dir)
    points_dir = out / "points"
    points = grid_points(sweep)
    folders = {p: points_dir / p.folder for p in points}
    solved: dict[GridPoint, bool] = {}
    corrupt = []
    model = _expected_fingerprint(sweep)
    states = {p: point_state(sweep, p, folders[p], model) for p in points}
    stale = [p.key for p, state in states.items() if state == "stale"]
    if stale:
        raise StaleSweep(f"{out} holds {len(stale)} point(s) solved with another model than the current "
                         f"{sweep.base.model or 'default model'} or another stride cost (e.g. {stale[0]}; the "
                         f"model file, its calibration or the cost weights changed since). Sweep into a new "
                         f"folder; nothing was changed.")
    rejudged, models = [], {}
    for p in points:
        if states[p] == "done":
            record = json.loads((folders[p] / POINT_FILE).read_text())
            if needs_rejudging(record):  # judged by other result rules: judge the stored stride again
                record = rejudge_point(folders[p], record, models)
                rejudged.append(p)
            solved[p] = record["counts_as_result"]
        elif states[p] == "corrupt":
            corrupt.append(p)
    todo = [p for p in points if p not in solved]
    polish = sweep.polish if polish is None else polish
    if polish and not todo:
        from sim.sweep.polish import PolishState

        polish = bool(PolishState(folders).pending())  # a finished polish pass needs no executor
    executor, close = make_executor(workers, scheduler, cluster) if todo or polish else (None, None)
    try:
        # the local pool's other workers wait while the first point searches: its starts use them
        root_start_workers = workers if scheduler is None and cluster is None else 1
        counts = _solve(sweep, todo, solved, corrupt, folders, points, points_dir, out, executor, workers, report,
                        rejudged, root_start_workers)
        if polish and not counts["interrupted"]:
            from sim.sweep.polish import polish_sweep

            counts |= polish_sweep(sweep, out, executor, workers, report)
        return counts
    finally:
        if close is not None:
            close()


def _solve(sweep, todo, solved, corrupt, folders, points, points_dir, out, executor, workers, report,
           rejudged=(), root_start_workers: int = 1) -> dict:
    """Write the sweep's record, clear corrupted points and solve the rest on ``executor``; the
    first point, solved while nothing else can run, solves its starts in ``root_start_workers``
    processes."""
    points_dir.mkdir(parents=True, exist_ok=True)
    write_json(out / "sweep.json", {"sweep": sweep.model_dump(mode="json"), "versions": versions(),
                                    "started": time.strftime("%Y-%m-%dT%H:%M:%S")})
    for p in corrupt:
        shutil.rmtree(folders[p], ignore_errors=True)
        for leftover in points_dir.glob(folders[p].name + ".partial*"):
            shutil.rmtree(leftover, ignore_errors=True)
    no_longer_results = [p.key for p in rejudged if not solved[p]]
    counts = {"points": len(points), "already_solved": len(solved), "corrupt_resolved": len(corrupt),
              "solved_now": 0, "failed": sum(1 for ok in solved.values() if not ok), "interrupted": 0,
              "rejudged": len(rejudged), "rejudged_no_longer_results": len(no_longer_results)}
    if report:
        report({"event": "start", **counts, "corrupt": [p.key for p in corrupt],
                "no_longer_results": no_longer_results})
    if not todo:
        return counts
    start, durations = time.perf_counter(), []
    running: dict[cf.Future, GridPoint] = {}
    requeued: set[GridPoint] = set()
    while todo or running:
        good = [p for p, ok in solved.items() if ok]
        if not good:
            # nothing solved yet: one point (the healthy corner) first, the others warm-start from it
            batch = [] if running else [_root(sweep, todo)]
        else:
            batch = sorted(todo, key=lambda p: min(grid_distance(p, g) for g in good))[:workers - len(running)]
        for p in batch:
            neighbours = sorted(good, key=lambda g: grid_distance(p, g))[:sweep.retries]
            guesses = [str(folders[g]) for g in neighbours] + ["data", "random"]
            config = point_config(sweep, p)
            config = config.model_copy(update={"starts": point_starts(sweep, p, root=not good)})
            task = {"config": config.model_dump(mode="json"), "out": str(folders[p]),
                    "guesses": guesses[:sweep.retries + 1], "values": p.values,
                    "start_workers": 1 if good else min(root_start_workers, config.starts)}
            running[executor.submit(solve_point, task)] = p
            todo.remove(p)
        done, _ = cf.wait(list(running), return_when=cf.FIRST_COMPLETED)
        for future in done:
            p = running.pop(future)
            result = future.result()
            if result.get("interrupted"):  # not finished: a resumed sweep solves it again
                counts["interrupted"] += 1
                continue
            good_now = [g for g, ok in solved.items() if ok]
            if not result["counts_as_result"] and p not in requeued and good_now:
                # failed before any neighbour was solved: try again from the solved neighbours
                requeued.add(p)
                todo.append(p)
                continue
            solved[p] = result["counts_as_result"]
            counts["solved_now"] += 1
            counts["failed"] += 0 if result["counts_as_result"] else 1
            durations.append(result["wall_time_s"])
            remaining = len(todo) + len(running)
            mean = sum(durations) / len(durations)
            if report:
                report({"event": "point", "key": p.key, "result": result, "done": len(solved),
                        "total": len(points), "elapsed_s": time.perf_counter() - start,
                        "eta_s": mean * remaining / max(workers, 1)})
    return counts
