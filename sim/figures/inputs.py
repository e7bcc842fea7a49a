"""What the visuals draw: run folders read back as full strides, checked before any drawing starts.

The animation needs nothing but the run folder's files (no model evaluation, no OpenSim); the gait plots
add joint moments computed with the CasADi model (:mod:`sim.figures.gait_plots`). Every
problem with the input is a :class:`VisualsError` raised before the first line is drawn.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sim.io.atomic import is_partial
from sim.model.spec import ModelSpec
from sim.results.runfolder import DRAW_FILES, NotARunFolder, RunFolder
from sim.stride.trajectory import Trajectory


class VisualsError(ValueError):
    """Input a visual cannot be made from (bad folder, missing file, unknown name, bad output path)."""


@dataclass
class DrawnRun:
    """A run to draw: its folder, its label, its model and its full stride (from the folder's files)."""

    folder: RunFolder
    label: str
    spec: ModelSpec
    stride: Trajectory

    @property
    def path(self) -> Path:
        return self.folder.path


def check_drawable(path: str | Path, files: tuple[str, ...] = DRAW_FILES) -> Path:
    """The folder as a Path if it is a result with ``files``; VisualsError otherwise."""
    folder = RunFolder(path)
    try:
        folder.check()
    except NotARunFolder as exc:
        raise VisualsError(str(exc)) from None
    missing = [f for f in files if not folder.file(f).is_file()]
    if missing:
        try:
            status = folder.status()
        except (OSError, ValueError):
            status = {}
        why = ""
        if status.get("gait", {}).get("label") == "failed" or status.get("converged") is False:
            why = f" (the solve did not produce a stride: {status.get('ipopt_status', '?')})"
        raise VisualsError(f"{folder.path} is a result but lacks {', '.join(missing)}{why}; cannot draw it")
    return folder.path


def load_drawn_run(path: str | Path, label: str | None = None) -> DrawnRun:
    """Read a run folder's model and full stride (VisualsError if not possible)."""
    folder = RunFolder(check_drawable(path))
    try:
        spec = folder.spec()
    except Exception as exc:
        raise VisualsError(f"{folder.path / 'spec.json'} is not a valid model spec: {exc}") from None
    try:
        stride = folder.full_stride()
    except NotARunFolder as exc:
        raise VisualsError(str(exc)) from None
    return DrawnRun(folder, label or folder.path.name, spec, stride)


def find_runs(path: str | Path) -> list[Path]:
    """``path`` itself if it is a run folder, else the run folders directly inside it, or inside its
    ``points/`` (a sweep folder)."""
    path = Path(path)
    if not path.is_dir():
        raise VisualsError(f"{path} is not a folder")
    try:
        return [RunFolder(path).check().path]
    except NotARunFolder:
        pass
    runs = []
    inside = path / "points" if (path / "points").is_dir() else path
    for child in sorted(p for p in inside.iterdir() if p.is_dir() and not is_partial(p)):
        try:
            runs.append(RunFolder(child).check().path)
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
