"""Marker-based scaling with OpenSim's ScaleTool (measurement-based) and the marker error.

Run in the OpenSim child process. The measurement set and marker weights follow the Hamner
(2010) scale setup (opensim-models Pipelines/Hamner/Setup_Scale.xml), restricted to the
markers this planar model carries.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import opensim as osim

from sim.model.spec import ModelSpec
from sim.osim.build import export_osim

#: measurement name -> (marker pairs, bodies scaled by it)
MEASUREMENTS = {
    "torso": ([("V.Sacral", "L.Acromium"), ("V.Sacral", "R.Acromium")], ["torso"]),
    "pelvis": ([("R.ASIS", "L.ASIS")], ["pelvis"]),
    "thigh": ([("R.ASIS", "R.Knee.Lat"), ("L.ASIS", "L.Knee.Lat")], ["femur_r", "femur_l"]),
    "shank": ([("R.Knee.Lat", "R.Ankle.Lat"), ("L.Knee.Lat", "L.Ankle.Lat")], ["tibia_r", "tibia_l"]),
}
# The foot is not measured: the generic Toe.Tip marker sits at the metatarsal heads, so the
# heel-toe marker distance does not measure foot length (Hamner's setup scales the foot by a
# manual factor for the same reason). The foot takes the mean of the thigh and shank factors.
#: static-trial marker weights (Hamner Setup_Scale.xml IKTaskSet, applied markers only)
MARKER_WEIGHTS = {
    "Sternum": 10, "R.Acromium": 50, "L.Acromium": 50, "R.ASIS": 100, "L.ASIS": 100, "V.Sacral": 100,
    "R.Knee.Lat": 50, "R.Knee.Med": 50, "L.Knee.Lat": 50, "L.Knee.Med": 50,
    "R.Ankle.Lat": 50, "R.Ankle.Med": 50, "L.Ankle.Lat": 50, "L.Ankle.Med": 50,
    "R.Heel": 10, "R.Toe.Tip": 10, "L.Heel": 10, "L.Toe.Tip": 10,
}
REQUIRED_MARKERS = sorted(MARKER_WEIGHTS)


def _setup_xml(generic: str, trc: str, mass: float) -> str:
    """ScaleTool setup; file names are relative to the setup file's folder (OpenSim resolves
    even absolute names against it)."""
    measurements = []
    for name, (pairs, bodies) in MEASUREMENTS.items():
        pair_xml = "".join(f"<MarkerPair><markers>{a} {b}</markers></MarkerPair>" for a, b in pairs)
        body_xml = "".join(f'<BodyScale name="{b}"><axes>X Y Z</axes></BodyScale>' for b in bodies)
        measurements.append(f'<Measurement name="{name}"><apply>true</apply>'
                            f"<MarkerPairSet><objects>{pair_xml}</objects></MarkerPairSet>"
                            f"<BodyScaleSet><objects>{body_xml}</objects></BodyScaleSet></Measurement>")
    tasks = "".join(f'<IKMarkerTask name="{n}"><apply>true</apply><weight>{w}</weight></IKMarkerTask>'
                    for n, w in MARKER_WEIGHTS.items())
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<OpenSimDocument Version="40000"><ScaleTool name="subject">
<mass>{mass}</mass><height>-1</height><age>-1</age>
<GenericModelMaker><model_file>{generic}</model_file><marker_set_file>Unassigned</marker_set_file></GenericModelMaker>
<ModelScaler><apply>true</apply><scaling_order>measurements</scaling_order>
<MeasurementSet><objects>{''.join(measurements)}</objects></MeasurementSet>
<marker_file>{trc}</marker_file><time_range>0 1</time_range>
<preserve_mass_distribution>true</preserve_mass_distribution>
<output_model_file>scaled_generic_markers.osim</output_model_file>
<output_scale_file>scale_factors.xml</output_scale_file></ModelScaler>
<MarkerPlacer><apply>true</apply><IKTaskSet><objects>{tasks}</objects></IKTaskSet>
<marker_file>{trc}</marker_file><coordinate_file>Unassigned</coordinate_file><time_range>0 1</time_range>
<output_model_file>scaled_placed_markers.osim</output_model_file>
<output_motion_file>static_pose.mot</output_motion_file>
<max_marker_movement>-1</max_marker_movement></MarkerPlacer>
</ScaleTool></OpenSimDocument>
"""


def read_scale_factors(path: Path) -> dict[str, float]:
    """Uniform factor per body from a ScaleSet file (mean of the three axes)."""
    factors = {}
    for scale in ET.parse(path).getroot().iter("Scale"):
        values = [float(v) for v in scale.find("scales").text.split()]
        factors[scale.find("segment").text.strip()] = float(np.mean(values))
    return factors


def scale_to_static_trial(spec: ModelSpec, trc_path: str, mass: float, out_dir: str) -> dict:
    """Run ScaleTool on the (sagittal) static trial; return body factors and the tool's files."""
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    export_osim(spec, out / "generic.osim")
    trc_copy = out / "static_trial.trc"
    if Path(trc_path).resolve() != trc_copy:
        shutil.copyfile(trc_path, trc_copy)
    setup = out / "setup_scale.xml"
    setup.write_text(_setup_xml("generic.osim", trc_copy.name, mass))
    log = out / "scale_tool.log"
    osim.Logger.addFileSink(str(log))
    tool = osim.ScaleTool(str(setup))
    if not tool.run():
        raise RuntimeError("OpenSim ScaleTool failed (see its log above)")
    placement = [line for line in log.read_text().splitlines() if "marker error: RMS" in line]
    rms = float(re.search(r"RMS = ([0-9.eE+-]+)", placement[-1]).group(1)) if placement else float("nan")
    factors = read_scale_factors(out / "scale_factors.xml")
    factors = {b: factors[b] for b in ("pelvis", "torso", "femur_r", "femur_l", "tibia_r", "tibia_l")}
    return {"factors": factors, "setup": str(setup), "placement_rms": rms,
            "placed_model": str(out / "scaled_placed_markers.osim")}


def marker_errors(spec: ModelSpec, trc_path: str, out_dir: str) -> dict:
    """Inverse kinematics of the static trial on the model of ``spec``: per-marker errors (m)."""
    out = Path(out_dir).resolve()
    model_path = export_osim(spec, out / "model_for_ik.osim")
    model = osim.Model(str(model_path))
    model.initSystem()
    tool = osim.InverseKinematicsTool()
    tool.setModel(model)
    tool.setMarkerDataFileName(str(Path(trc_path).resolve()))
    tool.setStartTime(0.0)
    tool.setEndTime(0.0)
    tool.setOutputMotionFileName(str(out / "static_ik.mot"))
    tool.set_report_errors(True)
    tool.set_report_marker_locations(True)
    tool.setResultsDir(str(out))
    for name, weight in MARKER_WEIGHTS.items():
        task = osim.IKMarkerTask()
        task.setName(name)
        task.setWeight(weight)
        task.setApply(True)
        tool.getIKTaskSet().cloneAndAppend(task)
    tool.run()
    pose = osim.TimeSeriesTable(str(out / "static_ik.mot"))
    state = model.initSystem()
    labels = pose.getColumnLabels()
    row = pose.getRowAtIndex(0)
    in_degrees = "yes" in pose.getTableMetaDataAsString("inDegrees") if pose.hasTableMetaDataKey(
        "inDegrees") else False
    for i in range(len(labels)):
        coord = model.getCoordinateSet().get(labels[i])
        value = row[i]
        if in_degrees and coord.getMotionType() == 1:  # rotational
            value = np.radians(value)
        coord.setValue(state, value, False)
    model.realizePosition(state)
    experimental = osim.TimeSeriesTableVec3(str(Path(trc_path).resolve()))
    data_row = experimental.getRowAtIndex(0)
    errors = {}
    for name in MARKER_WEIGHTS:
        a = model.getMarkerSet().get(name).getLocationInGround(state)
        b = data_row[experimental.getColumnIndex(name)]
        errors[name] = float(np.linalg.norm([a[i] - b[i] for i in range(3)]))
    return {"marker_errors": errors, "rms": float(np.sqrt(np.mean(np.square(list(errors.values()))))),
            "weighted_rms": float(np.sqrt(sum(MARKER_WEIGHTS[n] * e ** 2 for n, e in errors.items())
                                          / sum(MARKER_WEIGHTS.values())))}
