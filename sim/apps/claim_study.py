"""Every claim of :mod:`sim.apps.claims` over a stiffness x strength sweep: its change from the
healthy runner to the knob's far end, the knob steps, how sure it is, and its verdict.

``python -m sim.apps.claim_study SWEEP_DIR`` writes ``SWEEP_DIR/hypotheses.json`` and prints one
line per claim (``stridesim sweep`` and ``stridesim study`` write it too). How sure: (a) the change
recomputed for every combination of the two ends' strides that reached the best cost within 1 %
(the kept one and ``near_best/``), whose spread is also the model's resolution for the quantity;
(b) the change at 100 intervals, where ``python -m sim.apps.robustness SWEEP_DIR`` solved the
corners (``robustness/n100/``); (c) the change on each perturbed model of models/uncertainty.toml,
where ``python -m sim.apps.ensemble SWEEP_DIR`` solved the corners (``robustness/ensemble/``).
Where the stride changes family along a knob (its swing knee jumps:
:func:`sim.apps.study.changes_family`), the verdict reads the change within the families.
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import replace
from pathlib import Path

from sim.apps.claims import CLAIMS, Claim, verdict
from sim.apps.ensemble import perturbed_models
from sim.apps.study import FAMILY_MARKER, STIFFNESS, STRENGTH, _knob_line, _results, changes_family, tightness_knob
from sim.io.atomic import write_json

#: the finer mesh of the robustness check (python -m sim.apps.robustness)
FINE_INTERVALS = 100
HYPOTHESES_FILE = "hypotheses.json"


class _Models:
    """CasADi models and their analyzers, built once per model definition."""

    def __init__(self):
        self._cache: dict[str, tuple] = {}

    def get(self, spec):
        from sim.cas.model import CasadiModel
        from sim.results.analysis import Analyzer

        key = spec.model_dump_json()
        if key not in self._cache:
            model = CasadiModel(spec)
            self._cache[key] = (model, Analyzer(model))
        return self._cache[key]


def stride_quantities(trajectory, spec, models: _Models) -> dict[str, float]:
    """The claims' quantities of one solved stride (as the solver returned it)."""
    from sim.results.analysis import analyze
    from sim.results.claims import claim_quantities
    from sim.results.metrics import compute_metrics

    model, analyzer = models.get(spec)
    fs = trajectory.full_stride(model)
    return claim_quantities(spec, fs, compute_metrics(fs), analyze(fs, model, analyzer))


def point_quantities(folder: Path, models: _Models) -> list[dict[str, float]]:
    """The kept stride's quantities first, then each near-best start's; [] if not a result."""
    from sim.results.runfolder import NEAR_BEST, RunFolder

    run = RunFolder(folder)
    if not run.holds_result():
        return []
    trajectory, spec = run.solution()
    others = run.near_best() if run.file(NEAR_BEST).is_dir() else []
    return [stride_quantities(t, spec, models) for t in (trajectory, *others)]


def _spread(strides: list[dict], key: str) -> float:
    values = [s[key] for s in strides]
    return max(values) - min(values)


def _end_change(ends: tuple[list[dict], list[dict]], key: str, scale: float) -> float | None:
    """The change between two ends' kept strides; None if either end made no running stride."""
    return None if not (ends[0] and ends[1]) else (ends[1][0][key] - ends[0][0][key]) * scale


def evaluate_claim(claim: Claim, line_strides: list[list[dict]], knob_values: list[float],
                   fine: tuple[list[dict], list[dict]] | None, fine_intervals: int = FINE_INTERVALS,
                   perturbed: dict[str, tuple[list[dict], list[dict]]] | None = None) -> dict:
    """One claim's numbers and verdict from the strides along its knob line (each point: kept
    stride first, then its near-best starts), the ends' strides on the finer mesh and on each
    perturbed model (None or absent: not solved; an empty list: solved but no running stride)."""
    key, scale = claim.quantity, claim.scale
    values = [strides[0][key] * scale for strides in line_strides]
    change = values[-1] - values[0]
    steps = [b - a for a, b in zip(values[:-1], values[1:], strict=True)]
    marker = [strides[0][FAMILY_MARKER] for strides in line_strides]
    jumps = [changes_family(a, b) for a, b in zip(marker[:-1], marker[1:], strict=True)]
    near, far = line_strides[0], line_strides[-1]
    combinations = [(f[key] - h[key]) * scale for h, f in itertools.product(near, far)][1:]  # (kept, kept) is the change
    resolution = max(_spread(near, key), _spread(far, key)) * scale
    checks: list[float | None] = list(combinations)
    fine_change: float | None | str = "not run"
    if fine is not None:
        fine_change = _end_change(fine, key, scale)
        checks.append(fine_change)
    perturbed_changes = {label: _end_change(ends, key, scale) for label, ends in (perturbed or {}).items()}
    checks += list(perturbed_changes.values())
    within = [d for d, jump in zip(steps, jumps, strict=True) if not jump]
    if any(jumps):
        # across a family change the two strides are not like with like: judge the change within families
        judged, judged_steps = float(sum(within)), within
    else:
        judged, judged_steps = change, steps
    word, reason = verdict(judged, claim.expected, judged_steps, resolution, checks)
    if any(jumps):
        reason += f"; judged within stride families ({judged:+.3g} over {len(within)} of {len(steps)} steps)"
    along = sum((d > 0) == (claim.expected > 0) and d != 0 for d in steps)
    return {**claim.as_dict(), "knob_values": knob_values, "values": values, "change": change,
            "steps_in_claimed_direction": f"{along} of {len(steps)}", "resolution": resolution,
            "family_changes": [{"from": knob_values[k], "to": knob_values[k + 1],
                                "swing_knee_flexion_deg": [marker[k], marker[k + 1]]}
                               for k, jump in enumerate(jumps) if jump],
            "change_within_families": judged if any(jumps) else None,
            "checks": {"near_best_combinations": combinations, "fine_mesh": fine_change,
                       "fine_mesh_intervals": fine_intervals,
                       "perturbed_models": perturbed_changes if perturbed else "not run"},
            "verdict": word, "reason": reason}


def evaluate(sweep_dir: str | Path, fine_intervals: int = FINE_INTERVALS) -> list[dict]:
    """Every claim over the sweep in ``sweep_dir``; writes ``hypotheses.json`` there. The corners
    solved on ``fine_intervals`` (``robustness/n<N>/``) are the finer-mesh check, if present."""
    import pandas as pd

    sweep_dir = Path(sweep_dir)
    table = _results(pd.read_parquet(sweep_dir / "summary.parquet"))
    models = _Models()
    cache: dict[str, list[dict]] = {}

    def strides(folder: Path) -> list[dict]:
        if str(folder) not in cache:
            cache[str(folder)] = point_quantities(folder, models)
        return cache[str(folder)]

    rows = []
    tight = tightness_knob(table.columns)
    for role, knob in ((STIFFNESS, tight), (STRENGTH, STRENGTH)):
        line, _, _ = _knob_line(table, knob)
        # the tightness claims are read along whichever hip flexor the sweep tightens
        claims = [replace(c, knob=knob) for c in CLAIMS if c.knob == role]
        if len(line) < 2:
            rows += [{**c.as_dict(), "verdict": "not testable (too few running strides along the knob)"}
                     for c in claims]
            continue
        points = list(line["point"])
        line_strides = [strides(sweep_dir / "points" / p) for p in points]
        fine_dir = sweep_dir / "robustness" / f"n{fine_intervals}"
        ends = [fine_dir / points[0], fine_dir / points[-1]]
        fine = (strides(ends[0]), strides(ends[1])) if all(e.exists() for e in ends) else None
        perturbed = {model.name: (strides(model / points[0]), strides(model / points[-1]))
                     for model in perturbed_models(sweep_dir)
                     if (model / points[0]).exists() and (model / points[-1]).exists()}
        for claim in claims:
            rows.append(evaluate_claim(claim, line_strides, [float(v) for v in line[knob]], fine, fine_intervals,
                                       perturbed))
    write_json(sweep_dir / HYPOTHESES_FILE, rows)
    return rows


def print_rows(rows: list[dict]) -> None:
    """One line per claim: its numbers, steps, resolution and verdict with the reason."""
    for r in rows:
        if "change" not in r:
            print(f"{r['name']}: {r['verdict']}")
            continue
        print(f"{r['name']} ({r['label']}): {r['values'][0]:.3g} -> {r['values'][-1]:.3g} {r['unit']} "
              f"({r['change']:+.3g}; steps {r['steps_in_claimed_direction']}; resolution {r['resolution']:.2g}): "
              f"{r['verdict']} ({r['reason']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=Path)
    args = parser.parse_args()
    print_rows(evaluate(args.sweep_dir))
    print(f"wrote {args.sweep_dir / HYPOTHESES_FILE}")


if __name__ == "__main__":
    main()
