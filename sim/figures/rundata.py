"""Run folders read back for the visuals, from their files only (no CasADi, no OpenSim).

The animation needs nothing else; the gait plots add joint moments computed with the CasADi
model (:mod:`sim.figures.gait_plots`). Every problem with the input is a :class:`VisualsError`
raised before any drawing starts.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.results.runfolder import NotARunFolder, check_run_folder
from sim.results.storage import read_storage
from sim.spec import COORDINATES, ROTATIONAL, ModelSpec

#: files a run folder needs to be drawn (failed solves have no kinematics)
DRAW_FILES = ("spec.json", "kinematics.mot", "grf.mot", "activations.sto")
CONTACT_THRESHOLD = 20.0  # N, as sim.results.fullstride


class VisualsError(ValueError):
    """Input a visual cannot be made from (bad folder, missing file, unknown name, bad output path)."""


@dataclass
class RunData:
    """One drawable run: the full gait cycle from right heel strike as written in its files (SI, rad)."""

    path: Path
    label: str
    spec: ModelSpec
    time: np.ndarray
    q: dict[str, np.ndarray]
    grf: dict[str, np.ndarray]  # side -> nodes x 3 (N)
    cop: dict[str, np.ndarray]  # side -> nodes x 3 (m)
    muscle_names: list[str]
    activation: np.ndarray  # nodes x muscles
    status: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)

    @property
    def stride_time(self) -> float:
        return float(self.time[-1] - self.time[0])

    @property
    def stride_length(self) -> float:
        return float(self.q["pelvis_tx"][-1] - self.q["pelvis_tx"][0])

    @property
    def speed(self) -> float:
        return self.stride_length / self.stride_time

    @property
    def body_weight(self) -> float:
        return -self.spec.mass * self.spec.gravity

    @property
    def cycle_percent(self) -> np.ndarray:
        return 100.0 * (self.time - self.time[0]) / self.stride_time

    def contact(self, side: str) -> np.ndarray:
        return self.grf[side][:, 1] > CONTACT_THRESHOLD


def check_drawable(path: str | Path, files: tuple[str, ...] = DRAW_FILES) -> Path:
    """The folder as a Path if it is a result with ``files``; VisualsError otherwise."""
    try:
        path = check_run_folder(path)
    except NotARunFolder as exc:
        raise VisualsError(str(exc)) from None
    missing = [f for f in files if not (path / f).is_file()]
    if missing:
        status = _read_json(path / "status.json")
        why = ""
        if status.get("gait", {}).get("label") == "failed" or status.get("converged") is False:
            why = f" (the solve did not produce a stride: {status.get('ipopt_status', '?')})"
        raise VisualsError(f"{path} is a result but lacks {', '.join(missing)}{why}; cannot draw it")
    return path


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _columns(path: Path, wanted: list[str]) -> tuple[np.ndarray, np.ndarray, bool]:
    try:
        labels, rows, in_degrees = read_storage(path)
    except Exception as exc:
        raise VisualsError(f"cannot read {path}: {exc}") from None
    missing = [w for w in wanted if w not in labels]
    if missing or rows.ndim != 2 or len(rows) < 2:
        raise VisualsError(f"{path} is incomplete (missing columns: {', '.join(missing[:5]) or 'rows'})")
    return rows[:, 0], rows[:, [labels.index(w) for w in wanted]], in_degrees


def load_run_data(path: str | Path, label: str | None = None) -> RunData:
    """Read a run folder's spec, kinematics, GRF and activations (VisualsError if not possible)."""
    path = check_drawable(path)
    try:
        spec = ModelSpec.model_validate_json((path / "spec.json").read_text())
    except Exception as exc:
        raise VisualsError(f"{path / 'spec.json'} is not a valid model spec: {exc}") from None
    time, kin, kin_deg = _columns(path / "kinematics.mot", list(COORDINATES))
    q = {}
    for i, c in enumerate(COORDINATES):
        q[c] = np.radians(kin[:, i]) if (kin_deg and c in ROTATIONAL) else kin[:, i]
    grf_cols = [f"ground_force_{s}_{k}{a}" for s in "rl" for k in "vp" for a in "xyz"]
    t_grf, grf, _ = _columns(path / "grf.mot", grf_cols)
    names = [m.name for m in spec.muscles_expanded()]
    t_act, act, _ = _columns(path / "activations.sto", [f"{m}_activation" for m in names])
    if len(t_grf) != len(time) or len(t_act) != len(time):
        raise VisualsError(f"{path}: kinematics, GRF and activations have different numbers of rows")
    forces = {s: grf[:, 6 * i:6 * i + 3] for i, s in enumerate("rl")}
    cops = {s: grf[:, 6 * i + 3:6 * i + 6] for i, s in enumerate("rl")}
    return RunData(path=path, label=label or path.name, spec=spec, time=time, q=q, grf=forces, cop=cops,
                   muscle_names=names, activation=act, status=_read_json(path / "status.json"),
                   config=_read_json(path / "config.json"), metrics=_read_json(path / "metrics.json"))


def find_runs(path: str | Path) -> list[Path]:
    """``path`` itself if it is a run folder, else the run folders directly inside it (a sweep)."""
    path = Path(path)
    if not path.is_dir():
        raise VisualsError(f"{path} is not a folder")
    try:
        return [check_run_folder(path)]
    except NotARunFolder:
        pass
    runs = []
    for child in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.endswith(".partial")):
        try:
            runs.append(check_run_folder(child))
        except NotARunFolder:
            continue
    if not runs:
        raise VisualsError(f"{path} is neither a stridesim result nor a folder of results")
    return runs


def default_labels(paths: list[Path], labels: list[str] | None) -> list[str]:
    """Given labels (one per run) or the folder names (made unique with their parents)."""
    if labels:
        if len(labels) != len(paths):
            raise VisualsError(f"{len(labels)} label(s) for {len(paths)} run(s); give one label per run")
        return list(labels)
    names = [p.resolve().name for p in paths]
    if len(set(names)) < len(names):
        names = ["/".join(p.resolve().parts[-2:]) for p in paths]
    return names


def publish(tmp: str | Path, final: str | Path) -> None:
    """Give a finished temporary file the usual permissions (umask) and move it into place atomically."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, final)


def ensure_output_folder(folder: Path, target: Path | None = None) -> None:
    """Create ``folder`` if needed; VisualsError unless it is a writable folder (before any work)."""
    name = target or folder
    if folder.exists() and not folder.is_dir():
        raise VisualsError(f"cannot write {name}: {folder} is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VisualsError(f"cannot create the output folder {folder}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK):
        raise VisualsError(f"cannot write {name}: folder {folder} is not writable")
