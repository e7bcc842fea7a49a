"""Read and check TRC marker files; prepare a static trial for the planar model."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.model.spec import ModelSpecError

UNITS = {"mm": 1e-3, "m": 1.0, "cm": 1e-2}


@dataclass
class MarkerTrial:
    """Marker positions in metres: ``positions[frame, marker, xyz]``."""

    names: list[str]
    time: np.ndarray
    positions: np.ndarray
    rate: float

    def marker(self, name: str) -> np.ndarray:
        return self.positions[:, self.names.index(name), :]


def read_trc(path: str | Path) -> MarkerTrial:
    """Read a TRC file; raise ModelSpecError on a missing file, unknown units or bad layout."""
    path = Path(path)
    if not path.is_file():
        raise ModelSpecError(f"marker file not found: {path}")
    lines = path.read_text(errors="replace").splitlines()
    if len(lines) < 6 or not lines[0].startswith("PathFileType"):
        raise ModelSpecError(f"{path} is not a TRC file (first line must start with 'PathFileType')")
    keys, values = lines[1].split("\t"), lines[2].split("\t")
    header = {k.strip(): v.strip() for k, v in zip(keys, values, strict=False)}
    units = header.get("Units", "")
    if units not in UNITS:
        raise ModelSpecError(f"{path}: Units = '{units}' not supported (allowed: {', '.join(UNITS)})")
    names = [n.strip() for n in lines[3].split("\t")[2:] if n.strip()]
    rows = [r.split("\t") for r in lines[5:] if r.strip()]
    data = np.array([[float(x) if x.strip() else math.nan for x in r[: 2 + 3 * len(names)]]
                     for r in rows])
    if data.shape[1] != 2 + 3 * len(names):
        raise ModelSpecError(f"{path}: expected {2 + 3 * len(names)} columns, found {data.shape[1]}")
    positions = data[:, 2:].reshape(len(rows), len(names), 3) * UNITS[units]
    return MarkerTrial(names, data[:, 1], positions, float(header.get("DataRate", "0") or 0))


def check_static_trial(trial: MarkerTrial, required: list[str], source: str) -> None:
    """Required markers present and finite, and lengths of human size (catches wrong units)."""
    missing = [n for n in required if n not in trial.names]
    if missing:
        raise ModelSpecError(f"{source}: required marker(s) missing: {', '.join(missing)}")
    for name in required:
        if not np.isfinite(trial.marker(name)).all():
            raise ModelSpecError(f"{source}: marker '{name}' has gaps (missing frames)")
    width = np.linalg.norm(np.nanmean(trial.marker("R.ASIS") - trial.marker("L.ASIS"), axis=0))
    if not 0.1 <= width <= 0.5:
        raise ModelSpecError(f"{source}: R.ASIS-L.ASIS distance is {width:.3f} m, outside the human range "
                             f"[0.1, 0.5] m: check the file's Units header")


def to_sagittal(trial: MarkerTrial) -> MarkerTrial:
    """Mean static pose re-expressed so the pelvis faces +x and mid-ASIS lies at z = 0.

    The model is planar (no pelvis list, rotation or lateral translation), so the subject's
    yaw in the lab and lateral offset are removed before scaling.
    """
    mean = np.nanmean(trial.positions, axis=0)
    right, left = mean[trial.names.index("R.ASIS")], mean[trial.names.index("L.ASIS")]
    lateral = right - left
    yaw = math.atan2(-lateral[0], lateral[2])  # rotation about y that makes the ASIS line lie along z
    c, s = math.cos(yaw), math.sin(yaw)
    rotation = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    centre = 0.5 * (right + left)
    pose = (mean - centre * np.array([1, 0, 1])) @ rotation.T
    return MarkerTrial(trial.names, np.array([0.0, 1.0]), np.stack([pose, pose]), 1.0)


def write_trc(trial: MarkerTrial, path: str | Path) -> Path:
    """Write a TRC file in metres."""
    path = Path(path)
    n_frames, n_markers = trial.positions.shape[:2]
    lines = [f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
             "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
             f"{trial.rate:g}\t{trial.rate:g}\t{n_frames}\t{n_markers}\tm\t{trial.rate:g}\t1\t{n_frames}",
             "Frame#\tTime\t" + "\t\t\t".join(trial.names) + "\t\t",
             "\t\t" + "\t".join(f"X{i + 1}\tY{i + 1}\tZ{i + 1}" for i in range(n_markers))]
    for f in range(n_frames):
        values = "\t".join(f"{v:.6f}" for v in trial.positions[f].ravel())
        lines.append(f"{f + 1}\t{trial.time[f]:.6f}\t{values}")
    path.write_text("\n".join(lines) + "\n")
    return path
