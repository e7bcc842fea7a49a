"""How robust the study's verdicts are: ``python -m sim.apps.robustness SWEEP_DIR [--n-intervals 100]``.

Two checks of each hypothesis of :mod:`sim.apps.study` (its change from the healthy corner to
the knob's far end):

* **mesh**: the three corners the hypotheses compare (healthy; tightest hip flexors; weakest
  glutes) solved again on a finer mesh, warm-started from the sweep's strides, one start each
  (into ``SWEEP_DIR/robustness/n<N>/``);
* **starts**: the change recomputed with every combination of the corners' strides that
  reached the best cost within 1 % (the kept one and those in ``near_best/``).

Writes ``SWEEP_DIR/robustness.json`` and prints one line per hypothesis: the verdict holds when
the change keeps its sign in every check.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from sim.apps.study import HYPOTHESES, STIFFNESS, STRENGTH, _knob_line, _results
from sim.io.atomic import write_json
from sim.results import runfolder


def _value(metrics: dict, key: str) -> float:
    return float(runfolder.metric(metrics, key))


def _corner_folders(sweep_dir: Path) -> dict[str, Path]:
    """Point folders of the points the hypotheses compare: the healthy corner and the far end of
    each knob's line (:func:`sim.apps.study._knob_line`, as the study picks them)."""
    import pandas as pd

    table = _results(pd.read_parquet(sweep_dir / "summary.parquet"))
    lines = {knob: _knob_line(table, knob)[0] for knob in (STIFFNESS, STRENGTH)}
    if any(len(line) < 2 for line in lines.values()):
        raise ValueError(f"{sweep_dir}: too few converged running strides along a knob to compare its ends")
    ends = {"healthy": lines[STIFFNESS].iloc[0]} | {knob: line.iloc[-1] for knob, line in lines.items()}
    return {name: sweep_dir / "points" / row["point"] for name, row in ends.items()}


def _start_metrics(folder: Path) -> list[dict]:
    """The hypotheses' metrics of the kept stride and of each near-best start of a run folder."""
    from sim.cas.model import CasadiModel
    from sim.results.analysis import analyze
    from sim.results.metrics import compute_metrics
    from sim.results.runfolder import NEAR_BEST, RunFolder

    run = RunFolder(folder)
    out = [run.metrics()]
    others = run.near_best() if run.file(NEAR_BEST).is_dir() else []
    if others:
        model = CasadiModel(run.spec())
        for trajectory in others:
            fs = trajectory.full_stride(model)
            metrics = compute_metrics(fs)
            metrics["analysis"] = {"ratios": analyze(fs, model)["ratios"]}
            out.append(metrics)
    return out


def _finer(corners: dict[str, Path], out_dir: Path, n_intervals: int) -> dict[str, dict]:
    """Each corner solved on the finer mesh (warm start, one start); its metrics (None: not a result)."""
    from sim.results.runfolder import RunFolder
    from sim.run.config import RunConfig
    from sim.run.runner import run_stride

    out = {}
    for name, folder in corners.items():
        target = out_dir / folder.name
        if not RunFolder(target).holds_result():
            # the sweep point's own configuration (model, subject, symmetry), on the finer mesh
            config = RunConfig.model_validate(RunFolder(folder).config() | {
                "n_intervals": n_intervals, "starts": 1, "guess": str(folder), "name": f"robustness/{folder.name}"})
            print(f"solving {name} ({folder.name}) at {n_intervals} intervals", flush=True)
            status = run_stride(config, target, check_residuals=False, log=lambda m: None)
            print(f"  {status['ipopt_status']}, {status['gait']['label']}", flush=True)
        run = RunFolder(target)
        out[name] = run.metrics() if run.holds_result() else None
    return out


def robustness(sweep_dir: Path, n_intervals: int = 100) -> list[dict]:
    """One row per hypothesis: its change on the sweep's mesh, on the finer mesh and over the starts."""
    corners = _corner_folders(sweep_dir)
    coarse = {name: _start_metrics(folder) for name, folder in corners.items()}
    fine = _finer(corners, sweep_dir / "robustness" / f"n{n_intervals}", n_intervals)
    rows = []
    for metric, knob, sign, statement in HYPOTHESES:
        change = _value(coarse[knob][0], metric) - _value(coarse["healthy"][0], metric)
        over_starts = [_value(far, metric) - _value(near, metric)
                       for near, far in itertools.product(coarse["healthy"], coarse[knob])]
        fine_change = (None if fine["healthy"] is None or fine[knob] is None
                       else _value(fine[knob], metric) - _value(fine["healthy"], metric))
        expected = change * sign > 0
        same_over_starts = all((c * sign > 0) == expected for c in over_starts)
        # None: the finer mesh gave no result for a corner, so the mesh check could not be made
        holds = None if fine_change is None else same_over_starts and (fine_change * sign > 0) == expected
        rows.append({"statement": statement, "metric": metric, "knob": knob, "change": change,
                     "change_fine_mesh": fine_change, "n_intervals_fine": n_intervals,
                     "changes_over_near_best_starts": over_starts, "combinations": len(over_starts),
                     "in_expected_direction": expected, "verdict_holds": holds})
    write_json(sweep_dir / "robustness.json", rows)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument("--n-intervals", type=int, default=100)
    args = parser.parse_args()
    for r in robustness(args.sweep_dir, args.n_intervals):
        fine = "no result (untested)" if r["change_fine_mesh"] is None else f"{r['change_fine_mesh']:+.3g}"
        spread = ", ".join(f"{c:+.3g}" for c in r["changes_over_near_best_starts"])
        print(f"{r['statement']}: change {r['change']:+.3g} ({'expected' if r['in_expected_direction'] else 'opposite'}"
              f" direction); at {r['n_intervals_fine']} intervals {fine}; over {r['combinations']} start "
              f"combination(s) {spread}; verdict "
              + {True: "holds", False: "does NOT hold", None: "untested on the finer mesh"}[r["verdict_holds"]])
    print(json.dumps({"wrote": str(args.sweep_dir / "robustness.json")}))


if __name__ == "__main__":
    main()
