"""The polish pass of a sweep: every solved point solved again from each solved grid neighbour's
stride, the cheaper stride kept, until no neighbour lowers any point's cost.

A grid point's stride depends on which start reached which basin, so neighbouring points of one
sweep can sit in different local optima (stride families) for no reason in the physics: a point
whose neighbour's stride, used as its start, solves to a lower cost was not at its lowest-cost
stride. The pass removes that patchwork. A point's stride is replaced only by a converged running
stride of lower cost (atomically, with its point record), so nothing solved is lost; each point
records which neighbour strides it was solved from (by their cost), so the pass resumes where it
stopped and a finished pass is a no-op.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import time
from collections.abc import Callable
from pathlib import Path

from sim.io.atomic import write_json
from sim.results.runfolder import RunFolder
from sim.sweep.config import GridPoint, SweepConfig, grid_distance, grid_points, point_config
from sim.sweep.worker import POINT_FILE

#: a neighbour's stride replaces a point's only if it lowers the cost by more than this fraction
#: (below it the two solves reached the same optimum within the solver's tolerance)
MIN_GAIN = 1e-4


def polish_point(task: dict) -> dict:
    """Solve ``task['config']`` from the stride in ``task['neighbour']`` (one start, at most
    ``task['max_iter']`` iterations); replace the
    point's run folder if the solve is running, converged and cheaper than ``task['objective']``.

    The point record (``point.json``) gains the try under ``polish.tried`` (the neighbour's folder
    name -> its cost when tried) and, on a replacement, an entry in ``polish.history``; a replaced
    folder gets its record inside the same atomic swap. A stride that is not kept but within 1 % of
    the kept cost goes to the point's ``near_best/`` (as a multi-start's near-best starts do), for
    the study's robustness check. An interrupted solve records nothing.
    """
    from sim.results.runfolder import NEAR_BEST as NEAR_BEST_DIR
    from sim.results.writer import write_run
    from sim.run.config import RunConfig
    from sim.run.runner import shared_problem
    from sim.run.starts import NEAR_BEST, solve_starts
    from sim.stride.classify import counts_as_result

    start = time.perf_counter()
    out, neighbour = Path(task["out"]), Path(task["neighbour"])
    base = RunConfig.model_validate(task["config"])
    config = base.model_copy(update={"guess": neighbour, "starts": 1, "max_iter": task["max_iter"]})
    problem = shared_problem(config)
    outcome = solve_starts(problem, config, problem.spec, log=lambda m: None)
    solution, report = outcome.solution, outcome.solution.report
    result = {"folder": out.name, "neighbour": neighbour.name, "objective_before": task["objective"],
              "objective_after": report.objective, "ipopt_status": report.status, "gait": outcome.gait["label"],
              "iterations": report.iterations, "interrupted": outcome.interrupted}
    if result["interrupted"]:
        return {**result, "improved": False, "wall_time_s": time.perf_counter() - start}
    record = json.loads((out / POINT_FILE).read_text())
    polish = record.setdefault("polish", {"tried": {}, "history": []})
    polish["tried"][neighbour.name] = task["neighbour_objective"]
    running = counts_as_result(solution, outcome.gait["label"])
    improved = running and report.objective < task["objective"] * (1 - MIN_GAIN)
    result["improved"] = bool(improved)
    if improved:
        polish["history"].append({k: result[k] for k in ("neighbour", "objective_before", "objective_after",
                                                         "iterations")})
        starts = [{**r, "start": f"polish from {neighbour.name}"} for r in outcome.starts]
        # the replaced stride stays as a near-best start if it is within NEAR_BEST of the new cost;
        # near-best strides of the replaced one are dropped (near the old cost, not the new)
        near = [RunFolder(out).solution()[0]] if task["objective"] <= report.objective * (1 + NEAR_BEST) else []
        write_run(out, solution, problem.spec, config.model_dump(mode="json"), outcome.gait, model=problem.model,
                  starts=starts, formulation=problem.formulation, overwrite=True, near_best=near,
                  extra_json={POINT_FILE: record})
    else:
        if running and report.objective <= task["objective"] * (1 + NEAR_BEST):
            # another stride within NEAR_BEST of the kept cost: kept for the robustness check
            (out / NEAR_BEST_DIR).mkdir(exist_ok=True)
            solution.trajectory.save(out / NEAR_BEST_DIR / f"polish_from_{neighbour.name}.npz")
            result["near_best"] = True
        write_json(out / POINT_FILE, record)
    return {**result, "wall_time_s": time.perf_counter() - start}


class PolishState:
    """The coordinator's view of the solved points: their costs and which neighbour strides each
    point was already solved from."""

    def __init__(self, folders: dict[GridPoint, Path]):
        self.folders = folders
        #: the grid points one step away along one axis
        self.neighbours = {p: [q for q in folders if grid_distance(p, q) == 1] for p in folders}
        self.good: dict[GridPoint, float] = {}
        self.tried: dict[GridPoint, dict[str, float]] = {}
        for p, folder in folders.items():
            try:
                record = json.loads((folder / POINT_FILE).read_text())
            except (OSError, ValueError):
                continue
            if record.get("counts_as_result"):
                self.good[p] = float(RunFolder(folder).status()["objective"])
                self.tried[p] = dict(record.get("polish", {}).get("tried", {}))

    def pending(self) -> list[tuple[GridPoint, GridPoint]]:
        """(point, neighbour) pairs not yet tried with the neighbour's current stride."""
        return [(p, q) for p in self.good for q in self.neighbours[p]
                if q in self.good and self.tried[p].get(q.folder) != self.good[q]]


def polish_sweep(sweep: SweepConfig, out: Path, executor, workers: int,
                 report: Callable[[dict], None] | None = None) -> dict:
    """Run the polish pass over ``out``'s solved points on ``executor``; return its counts.

    A point and the neighbour whose stride it starts from are never in flight at once in another
    pair, so no solve reads a folder that is being replaced.
    """
    points = grid_points(sweep)
    state = PolishState({p: out / "points" / p.folder for p in points})
    counts = {"polish_solves": 0, "polish_improved": 0, "polish_interrupted": 0}
    pending = state.pending()
    if report:
        report({"event": "polish_start", "pairs": len(pending)})
    running: dict[cf.Future, tuple[GridPoint, GridPoint]] = {}
    start, interrupted = time.perf_counter(), False
    while (pending and not interrupted) or running:
        busy = {x for pair in running.values() for x in pair}
        for p, q in list(pending):
            if len(running) >= workers or interrupted:
                break
            if p in busy or q in busy:
                continue
            task = {"config": point_config(sweep, p).model_dump(mode="json"), "out": str(state.folders[p]),
                    "neighbour": str(state.folders[q]), "objective": state.good[p],
                    "neighbour_objective": state.good[q], "max_iter": sweep.polish_max_iter}
            running[executor.submit(polish_point, task)] = (p, q)
            pending.remove((p, q))
            busy |= {p, q}
        done, _ = cf.wait(list(running), return_when=cf.FIRST_COMPLETED)
        for future in done:
            p, q = running.pop(future)
            result = future.result()
            if result["interrupted"]:
                counts["polish_interrupted"] += 1
                interrupted = True  # Ctrl-C: stop submitting; a re-run goes on from the records
                continue
            counts["polish_solves"] += 1
            state.tried[p][q.folder] = state.good[q]
            if result["improved"]:
                counts["polish_improved"] += 1
                state.good[p] = result["objective_after"]
            pending = [pair for pair in state.pending() if pair not in running.values()]
            if report:
                report({"event": "polish", "key": p.key, "from": q.key, "result": result,
                        "pending": len(pending) + len(running), "elapsed_s": time.perf_counter() - start})
    return counts
