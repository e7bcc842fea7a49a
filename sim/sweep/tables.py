"""Sweep outputs: a tidy summary table (Parquet + CSV) and the time series as an xarray dataset."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from sim.data.measured import PERCENT
from sim.io.atomic import atomic_file
from sim.model.spec import COORDINATES
from sim.results.runfolder import METRICS, RunFolder
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
        run = RunFolder(folder)
        status = run.status()
        row.update({"status": "result" if record["counts_as_result"] else "failed",
                    "ipopt_status": status["ipopt_status"], "gait": status["gait"]["label"],
                    "iterations": status["iterations"], "solve_time_s": status["solve_time_s"],
                    "attempts": len(record["attempts"]), "objective": status["objective"]})
        if run.file(METRICS).exists():
            metrics = run.metrics()
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
        with atomic_file(out_dir / name) as tmp:
            writer(tmp, index=False)
    return out_dir / "summary.parquet"


#: joints whose moments and powers the time series carry (right side; the stride is symmetric or full)
JOINT_COORDINATES = ("hip_flexion_r", "knee_angle_r", "ankle_angle_r", "lumbar_extension")


def write_timeseries(sweep: SweepConfig, out_dir: str | Path) -> Path:
    """timeseries.nc: one variable per quantity over (grid axes..., cycle_percent[, its own dimension]).

    Angles one variable per coordinate (deg, ``ds["hip_flexion_r"]``); joint moments and powers
    per joint (N m/kg, W/kg; ``ds["hip_flexion_r_moment"]``); ground reaction forces per side and
    axis (body weights); activations and muscle forces over a ``muscle`` dimension. Every
    variable carries ``units`` and ``description``; NaN where a point has no running result.
    """
    import xarray as xr

    from sim.cas.model import CasadiModel
    from sim.results.analysis import Analyzer

    out_dir = Path(out_dir)
    axes = list(sweep.grid)
    shape = [len(sweep.grid[a]) for a in axes]
    curves: dict[str, np.ndarray] = {}
    meta: dict[str, tuple[str, str]] = {}
    muscles: list[str] = []
    tools: dict[str, tuple] = {}
    for p in grid_points(sweep):
        folder = out_dir / "points" / p.folder
        marker = folder / POINT_FILE
        if not marker.exists() or not json.loads(marker.read_text())["counts_as_result"]:
            continue
        solution, spec = RunFolder(folder).solution()
        key = spec.fingerprint()
        if key not in tools:  # the CasADi model caches its functions: one per distinct model
            model = CasadiModel(spec)
            tools[key] = (model, Analyzer(model))
        model, analyzer = tools[key]
        fs = solution.full_stride(model)
        muscles = fs.muscles
        for name, (values, units, description) in _quantities(fs, analyzer).items():
            if name not in curves:
                curves[name] = np.full(shape + list(values.shape), np.nan)
                meta[name] = (units, description)
            curves[name][p.index] = values
    coords = {**{a: sweep.grid[a] for a in axes}, "cycle_percent": PERCENT}
    if muscles:
        coords["muscle"] = muscles
    variables = {}
    for name, data in curves.items():
        dims = axes + ["cycle_percent"] + (["muscle"] if data.ndim == len(axes) + 2 else [])
        units, description = meta[name]
        variables[name] = xr.Variable(dims, data, attrs={"units": units, "description": description})
    dataset = xr.Dataset(variables, coords=coords,
                         attrs={"sweep": sweep.name, "description": "one gait cycle from right heel strike per grid "
                                "point, resampled to 0-100 %; NaN where the point has no running result"})
    path = out_dir / "timeseries.nc"
    with atomic_file(path) as tmp:
        dataset.to_netcdf(tmp, engine="scipy")
    return path


def _quantities(fs, analyzer) -> dict[str, tuple[np.ndarray, str, str]]:
    """name -> (curve at PERCENT (muscle curves: percent x muscle), units, description)."""
    pct = fs.cycle_percent

    def resample(values: np.ndarray) -> np.ndarray:
        return np.interp(PERCENT, pct, values)

    out = {}
    for i, c in enumerate(COORDINATES):
        if c in ("pelvis_tx", "pelvis_ty"):
            continue
        out[c] = (resample(np.degrees(fs.q[:, i])), "deg", f"{c.replace('_', ' ')} angle (OpenSim sign convention)")
    mass = fs.body_weight / 9.80665
    moments = analyzer.joint_moments(fs)["total"]
    for c in JOINT_COORDINATES:
        i = COORDINATES.index(c)
        out[f"{c}_moment"] = (resample(moments[:, i] / mass), "N m/kg",
                              f"{c.replace('_', ' ')} moment of muscles and passive structures per body mass")
        out[f"{c}_power"] = (resample(moments[:, i] * fs.qd[:, i] / mass), "W/kg",
                             f"{c.replace('_', ' ')} joint power (moment x angular velocity) per body mass")
    for side in ("r", "l"):
        for axis, j in (("fore_aft", 0), ("vertical", 1)):
            out[f"grf_{side}_{axis}"] = (resample(fs.grf[side][:, j] / fs.body_weight), "body weights",
                                         f"{'right' if side == 'r' else 'left'} foot {axis.replace('_', '-')} "
                                         "ground reaction force (+ forward / up)")
    out["activation"] = (np.column_stack([resample(fs.activation[:, j]) for j in range(len(fs.muscles))]), "1",
                         "muscle activation (0-1)")
    out["muscle_force"] = (np.column_stack([resample(fs.muscle_force[:, j]) for j in range(len(fs.muscles))]), "N",
                           "muscle-tendon (tendon) force")
    return out
