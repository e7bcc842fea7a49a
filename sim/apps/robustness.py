"""How sure the study's verdicts are: ``python -m sim.apps.robustness SWEEP_DIR [--n-intervals 100]``.

Solves the corners the claims compare (healthy; tightest hip flexors; weakest glutes) again on a
finer mesh, warm-started from the sweep's strides, one start each (into
``SWEEP_DIR/robustness/n<N>/``; resumable: a corner solved before is read, not solved again),
then evaluates every claim again with that check (:mod:`sim.apps.claim_study`, which also
recomputes each change over the corners' near-best starts) and rewrites ``hypotheses.json``.
Prints one line per claim.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.apps.study import STRENGTH, _knob_line, _results, tightness_knob


def _corner_folders(sweep_dir: Path) -> dict[str, Path]:
    """Point folders of the points the claims compare: the healthy corner and the far end of
    each knob's line (:func:`sim.apps.study._knob_line`, as the study picks them)."""
    import pandas as pd

    table = _results(pd.read_parquet(sweep_dir / "summary.parquet"))
    tight = tightness_knob(table.columns)
    lines = {knob: _knob_line(table, knob)[0] for knob in (tight, STRENGTH)}
    if any(len(line) < 2 for line in lines.values()):
        raise ValueError(f"{sweep_dir}: too few converged running strides along a knob to compare its ends")
    ends = {"healthy": lines[tight].iloc[0]} | {knob: line.iloc[-1] for knob, line in lines.items()}
    return {name: sweep_dir / "points" / row["point"] for name, row in ends.items()}


def solve_finer(corners: dict[str, Path], out_dir: Path, n_intervals: int) -> dict[str, bool]:
    """Each corner solved on the finer mesh (warm start, one start) unless solved before; whether
    each is a result."""
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
            status = run_stride(config, target, check_residuals=False, log=lambda m: None, overwrite=True)
            print(f"  {status['ipopt_status']}, {status['gait']['label']}", flush=True)
        out[name] = RunFolder(target).holds_result()
    return out


def robustness(sweep_dir: Path, n_intervals: int = 100) -> list[dict]:
    """Solve the corners on the finer mesh, then every claim with all its checks (hypotheses.json)."""
    from sim.apps.claim_study import evaluate

    solve_finer(_corner_folders(sweep_dir), sweep_dir / "robustness" / f"n{n_intervals}", n_intervals)
    return evaluate(sweep_dir, fine_intervals=n_intervals)


def main() -> None:
    from sim.apps.claim_study import print_rows

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument("--n-intervals", type=int, default=100)
    args = parser.parse_args()
    print_rows(robustness(args.sweep_dir, args.n_intervals))
    print(f"wrote {args.sweep_dir / 'hypotheses.json'}")


if __name__ == "__main__":
    main()
