"""Sweep outputs: a tidy summary table (Parquet + CSV) and the time series as an xarray dataset."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from sim.results.reference import PERCENT
from sim.spec import COORDINATES
from sim.sweep.config import SweepConfig, grid_points
from sim.sweep.worker import POINT_FILE


def _flatten(prefix: str, value, out: dict) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else k, v, out)
    elif isinstance(value, (int, float, bool, str)) or value is None:
        out[prefix] = value


def summary_rows(sweep: SweepConfig, out_dir: Path) -> list[dict]:
    rows = []
    for p in grid_points(sweep):
        folder = out_dir / "points" / p.folder
        row = {**p.values, "point": p.folder}
        marker = folder / POINT_FILE
        if not marker.exists():
            rows.append({**row, "status": "not solved"})
            continue
        record = json.loads(marker.read_text())
        status = json.loads((folder / "status.json").read_text())
        row.update({"status": "result" if record["counts_as_result"] else "failed",
                    "ipopt_status": status["ipopt_status"], "gait": status["gait"]["label"],
                    "iterations": status["iterations"], "solve_time_s": status["solve_time_s"],
                    "attempts": len(record["attempts"]), "objective": status["objective"]})
        metrics_file = folder / "metrics.json"
        if metrics_file.exists():
            metrics = json.loads(metrics_file.read_text())
            for key in ("joint_angle_min_deg", "joint_angle_max_deg"):
                metrics.pop(key, None)
            _flatten("", metrics, row)
        rows.append(row)
    return rows


def write_summary(sweep: SweepConfig, out_dir: str | Path) -> Path:
    """summary.parquet and summary.csv: one row per grid point (knobs, status, metrics)."""
    import pandas as pd

    out_dir = Path(out_dir)
    table = pd.DataFrame(summary_rows(sweep, out_dir))
    for name, writer in (("summary.parquet", table.to_parquet), ("summary.csv", table.to_csv)):
        tmp = out_dir / (name + ".tmp")
        writer(tmp, index=False)
        os.replace(tmp, out_dir / name)
    return out_dir / "summary.parquet"


def write_timeseries(sweep: SweepConfig, out_dir: str | Path) -> Path:
    """timeseries.nc: variable(axis..., cycle_percent, variable); NaN where no running result."""
    import xarray as xr

    from sim.cas.model import CasadiModel
    from sim.results.fullstride import full_stride
    from sim.results.io import load_run

    out_dir = Path(out_dir)
    axes = list(sweep.grid)
    shape = [len(sweep.grid[a]) for a in axes]
    names = None
    data = None
    models: dict[str, CasadiModel] = {}
    for p in grid_points(sweep):
        folder = out_dir / "points" / p.folder
        marker = folder / POINT_FILE
        if not marker.exists() or not json.loads(marker.read_text())["counts_as_result"]:
            continue
        solution, spec = load_run(folder)
        key = spec.model_dump_json()
        if key not in models:  # CasadiModel caches its functions: one per distinct spec
            models[key] = CasadiModel(spec)
        model = models[key]
        fs = full_stride(solution, model)
        curves, labels = _curves(fs)
        if data is None:
            names = labels
            data = np.full(shape + [len(PERCENT), len(labels)], np.nan)
        data[p.index] = curves
    if data is None:
        names = ["none"]
        data = np.full(shape + [len(PERCENT), 1], np.nan)
    dataset = xr.Dataset(
        {"timeseries": (axes + ["cycle_percent", "variable"], data)},
        coords={**{a: sweep.grid[a] for a in axes}, "cycle_percent": PERCENT, "variable": names},
        attrs={"sweep": sweep.name, "units": "angles deg; forces body weights; activations 0-1"})
    path = out_dir / "timeseries.nc"
    tmp = out_dir / "timeseries.nc.tmp"
    dataset.to_netcdf(tmp, engine="scipy")
    os.replace(tmp, path)
    return path


def _curves(fs) -> tuple[np.ndarray, list[str]]:
    pct = fs.cycle_percent
    columns, labels = [], []
    for i, c in enumerate(COORDINATES):
        if c in ("pelvis_tx", "pelvis_ty"):
            continue
        columns.append(np.interp(PERCENT, pct, np.degrees(fs.q[:, i])))
        labels.append(f"{c}_deg")
    for side in ("r", "l"):
        for axis, j in (("horizontal", 0), ("vertical", 1)):
            columns.append(np.interp(PERCENT, pct, fs.grf[side][:, j] / fs.body_weight))
            labels.append(f"grf_{side}_{axis}_bw")
    for j, m in enumerate(fs.muscle_names):
        columns.append(np.interp(PERCENT, pct, fs.activation[:, j]))
        labels.append(f"{m}_activation")
    return np.column_stack(columns), labels
