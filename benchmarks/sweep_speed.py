"""The default hip-extension sweep (5 x 5, 50 intervals): wall time, time per point, convergence.

Run: python benchmarks/sweep_speed.py [--workers 2] [--out DIR]
Target on the 2-core machine: at most 10 minutes, every point a converged running stride after
retries. Writes benchmarks/results/sweep_speed.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from sim.sweep.config import load_sweep
from sim.sweep.engine import run_sweep
from sim.sweep.tables import summary_rows

EXPERIMENT = Path(__file__).resolve().parent.parent / "experiments" / "hip_extension.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    sweep = load_sweep(EXPERIMENT)
    out = args.out or Path(tempfile.mkdtemp(prefix="stridesim-sweep-"))
    start = time.perf_counter()
    counts = run_sweep(sweep, out, workers=args.workers,
                       report=lambda e: print(f"{e.get('done', 0)}/{e.get('total', '?')} {e.get('key', '')}", flush=True))
    wall = time.perf_counter() - start
    rows = summary_rows(sweep, out)
    solved = [r for r in rows if r["status"] == "result"]
    results = {"points": len(rows), "converged_running": len(solved), "wall_s": round(wall, 1),
               "wall_per_point_s": round(wall / len(rows), 2),
               "mean_solve_s": round(sum(r["solve_time_s"] for r in solved) / max(len(solved), 1), 2),
               "retried_points": sum(1 for r in rows if r.get("attempts", 1) > 1), "workers": args.workers,
               "counts": counts, "target_wall_s": 600}
    print(json.dumps(results, indent=2))
    target = Path(__file__).parent / "results"
    target.mkdir(exist_ok=True)
    (target / "sweep_speed.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
