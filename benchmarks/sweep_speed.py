"""The default hip-extension sweep (5 x 5, 50 intervals, its polish pass included): wall time,
time per point, convergence, against the goal.

Run: python benchmarks/sweep_speed.py [--workers 2] [--out DIR]
Goal on the 2-core machine: at most 4 minutes on 2 workers, every point a converged running
stride. Writes benchmarks/results/sweep_speed.json (atomically).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from sim.io.atomic import write_json
from sim.sweep.config import load_sweep
from sim.sweep.engine import run_sweep
from sim.sweep.tables import summary_rows

GOAL_WALL_S = 240.0
EXPERIMENT = Path(__file__).resolve().parent.parent / "experiments" / "hip_extension.toml"


def _progress(event: dict) -> None:
    """One line per solved point and per polish solve, with the time since the start."""
    r = event.get("result", {})
    if event["event"] == "point":
        print(f"[{event['done']}/{event['total']}] {event['key']}: {'running' if r['counts_as_result'] else 'FAILED'}, "
              f"{r['wall_time_s']:.1f} s; elapsed {event['elapsed_s']:.0f} s", flush=True)
    elif event["event"] == "polish":
        print(f"polish {event['key']} from {event['from']}: {'cheaper' if r['improved'] else 'kept'}, "
              f"{r['iterations']} iterations, {r['wall_time_s']:.1f} s; {event['pending']} to go, "
              f"elapsed {event['elapsed_s']:.0f} s", flush=True)
    elif event["event"] == "polish_start":
        print(f"polish: {event['pairs']} pairs to try", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    sweep = load_sweep(EXPERIMENT)
    out = args.out or Path(tempfile.mkdtemp(prefix="stridesim-sweep-"))
    start = time.perf_counter()
    counts = run_sweep(sweep, out, workers=args.workers, report=_progress)
    wall = time.perf_counter() - start
    rows = summary_rows(sweep, out)
    solved = [r for r in rows if r["status"] == "result"]
    results = {"points": len(rows), "converged_running": len(solved), "wall_s": round(wall, 1),
               "wall_per_point_s": round(wall / len(rows), 2),
               "mean_solve_s": round(sum(r["solve_time_s"] for r in solved) / max(len(solved), 1), 2),
               "retried_points": sum(1 for r in rows if r.get("attempts", 1) > 1), "workers": args.workers,
               "counts": counts, "goal_wall_s": GOAL_WALL_S,
               "goal_met": bool(wall <= GOAL_WALL_S and len(solved) == len(rows))}
    print(json.dumps(results, indent=2))
    print(f"against the goal: {wall:.0f} s (at most {GOAL_WALL_S:.0f} s), {len(solved)} of {len(rows)} points converged "
          f"running strides: {'met' if results['goal_met'] else 'MISSED'}")
    target = Path(__file__).parent / "results"
    target.mkdir(exist_ok=True)
    write_json(target / "sweep_speed.json", results)


if __name__ == "__main__":
    main()
