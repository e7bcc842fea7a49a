"""Build a subject's ModelSpec: generic, by height and mass, or from a static marker trial."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.model.scaling import check_subject, scale_by_factors, scale_to_height_mass
from sim.model.spec import ModelSpec
from sim.model.trc import check_static_trial, read_trc, to_sagittal, write_trc
from sim.osim.bridge import run_opensim

#: markers the static-trial scaling needs (OpenSim ScaleTool measurements and IK weights)
STATIC_TRIAL_MARKERS = [
    "Sternum", "R.Acromium", "L.Acromium", "R.ASIS", "L.ASIS", "V.Sacral", "R.Knee.Lat", "R.Knee.Med",
    "L.Knee.Lat", "L.Knee.Med", "R.Ankle.Lat", "R.Ankle.Med", "L.Ankle.Lat", "L.Ankle.Med",
    "R.Heel", "R.Toe.Tip", "L.Heel", "L.Toe.Tip"]


@dataclass
class ScalingReport:
    """How a subject model was made, with the marker fit when markers were used."""

    method: str
    height: float
    mass: float
    factors: dict[str, float]
    marker_rms: float | None = None  # m, static-trial IK on the scaled model (markers not moved)
    marker_rms_generic: float | None = None  # m, same on the unscaled generic model
    placement_rms: float | None = None  # m, after OpenSim's MarkerPlacer moved the markers
    marker_errors: dict[str, float] = field(default_factory=dict)


def scale_from_static_trial(spec: ModelSpec, trc_path: str | Path, mass: float,
                            work_dir: str | Path | None = None) -> tuple[ModelSpec, ScalingReport]:
    """Scale with OpenSim's ScaleTool (child process) and carry the factors into the spec."""
    trial = read_trc(trc_path)
    check_static_trial(trial, STATIC_TRIAL_MARKERS, str(trc_path))
    sagittal = to_sagittal(trial)
    height = float(sagittal.marker("Top.Head")[0, 1]) if "Top.Head" in trial.names else None
    check_subject(height if height is not None else spec.generic_subject.height, mass)
    with tempfile.TemporaryDirectory(prefix="stridesim-scale-") as tmp:
        work = Path(work_dir or tmp)
        work.mkdir(parents=True, exist_ok=True)
        trc = write_trc(sagittal, work / "static_sagittal.trc")
        tool = run_opensim("scale_to_static_trial", spec=spec.model_dump(), trc_path=str(trc),
                           mass=mass, out_dir=str(work))
        f = tool["factors"]
        factors = {"pelvis": f["pelvis"], "torso": f["torso"],
                   "femur_r": 0.5 * (f["femur_r"] + f["femur_l"]),
                   "tibia_r": 0.5 * (f["tibia_r"] + f["tibia_l"])}
        factors["calcn_r"] = 0.5 * (factors["femur_r"] + factors["tibia_r"])
        if height is None:
            height = spec.generic_subject.height * float(np.mean(list(factors.values())))
        scaled = scale_by_factors(spec, factors, mass, height)
        fit = run_opensim("static_marker_errors", spec=scaled.model_dump(), trc_path=str(trc),
                          out_dir=str(work))
        generic_fit = run_opensim("static_marker_errors", spec=spec.model_dump(), trc_path=str(trc),
                                  out_dir=str(work))
    report = ScalingReport("static_trial", height, mass, factors, fit["rms"], generic_fit["rms"],
                           tool["placement_rms"], fit["marker_errors"])
    return scaled, report


def scale_from_height_mass(spec: ModelSpec, height: float, mass: float) -> tuple[ModelSpec, ScalingReport]:
    scaled = scale_to_height_mass(spec, height, mass)
    return scaled, ScalingReport("height_mass", height, mass, dict(scaled.scale_factors))
