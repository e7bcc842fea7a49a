"""Run folders: everything one solve produced, written atomically (a folder appears whole or not at all).

Layout (README "Run folder"): config.json, status.json, metrics.json, model.osim,
kinematics.mot, grf.mot, external_loads.xml, activations.sto, muscle_forces.sto,
fiber_lengths.sto, solution.npz (the raw solution, for warm starts).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import shutil
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from sim import __version__
from sim.results.foot_slip import loaded_foot_slip
from sim.results.fullstride import FullStride, full_stride
from sim.results.metrics import compute_metrics, coordinates_at_range_limit
from sim.results.storage import write_external_loads, write_storage, write_text_atomic
from sim.spec import COORDINATES, ROTATIONAL
from sim.stride.classify import counts_as_result

REQUIRED_FILES = ("config.json", "status.json", "solution.npz")


class NotARunFolder(ValueError):
    """A folder that is not a (complete) stridesim result."""


def write_json(path: Path, data: dict) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, default=_json_default))


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serializable: {type(value)}")


def versions() -> dict:
    """Library versions for provenance (a copy; asking OpenSim costs a child process, so cached)."""
    return dict(_versions())


@functools.lru_cache(maxsize=1)
def _versions() -> dict:
    import casadi

    from sim.opensim_bridge import run_opensim

    try:
        opensim_version = run_opensim("version", timeout=120)
    except Exception as exc:  # the result stays valid without OpenSim; say why
        opensim_version = f"unavailable ({exc.__class__.__name__})"
    return {"stridesim": __version__, "python": platform.python_version(), "casadi": casadi.__version__,
            "ipopt": "bundled with casadi " + casadi.__version__, "opensim": opensim_version,
            "numpy": np.__version__}


def write_opensim_files(fs: FullStride, out: Path) -> None:
    """Kinematics (.mot, degrees), GRF (.mot) with its external-loads XML, muscle .sto files."""
    q = fs.q.copy()
    rot = [i for i, c in enumerate(COORDINATES) if c in ROTATIONAL]
    q[:, rot] = np.degrees(q[:, rot])
    write_storage(out / "kinematics.mot", fs.time, COORDINATES, q, "kinematics", in_degrees=True)
    columns, data = [], []
    for side in ("r", "l"):
        for kind, values in (("force", fs.grf[side]), ("p", fs.cop[side])):
            prefix = f"ground_force_{side}_{'v' if kind == 'force' else 'p'}"
            columns += [f"{prefix}{axis}" for axis in "xyz"]
            data.append(values)
        columns += [f"ground_torque_{side}_{axis}" for axis in "xyz"]
        data.append(fs.torque[side])
    write_storage(out / "grf.mot", fs.time, columns, np.hstack(data), "ground_reaction_forces")
    write_external_loads(out / "external_loads.xml", "grf.mot",
                         [("ground_force_r", "calcn_r"), ("ground_force_l", "calcn_l")])
    names = fs.muscle_names
    write_storage(out / "activations.sto", fs.time, [f"{m}_activation" for m in names], fs.activation,
                  "activations")
    write_storage(out / "muscle_forces.sto", fs.time, [f"{m}_tendon_force" for m in names], fs.muscle_force,
                  "muscle_forces")
    write_storage(out / "fiber_lengths.sto", fs.time, [f"{m}_normalized_fiber_length" for m in names],
                  fs.fiber_length_norm, "normalized_fiber_lengths")


def write_analysis(fs: FullStride, model, out: Path) -> dict:
    """joints.csv and muscles.csv (tidy tables) and the summary that goes into metrics.json."""
    import csv

    from sim.analysis import analyze

    result = analyze(fs, model)
    joint_rows = [{"joint": j, **v} for j, v in result["work"]["joints"].items()]
    contributors = result["propulsion"]["contributors"]
    muscle_rows = [{"muscle": m, **result["work"]["muscles"].get(m, {}), **contributors.get(m, {})}
                   for m in result["work"]["muscles"]]
    muscle_rows += [{"muscle": k, **v} for k, v in contributors.items() if k in ("passive", "gravity", "velocity")]
    for name, rows in (("joints.csv", joint_rows), ("muscles.csv", muscle_rows)):
        fields = list(dict.fromkeys(k for row in rows for k in row))
        with open(out / name, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    propulsion = result["propulsion"]
    return {"ratios": result["ratios"], "passive": result["passive"],
            "propulsion": {k: v for k, v in propulsion.items() if k != "contributors"},
            "contributors": contributors, "joints": result["work"]["joints"]}


def write_run(run_dir: str | Path, solution, spec, config: dict, gait: dict, model=None,
              timings: dict | None = None, export_model: bool = True, starts: list[dict] | None = None,
              formulation: dict | None = None) -> dict:
    """Write a complete run folder for ``solution``; return its status dict.

    ``formulation``: the stride problem's cost and weights (``StrideProblem.formulation``),
    kept in status.json so that :func:`result_fingerprint` can tell which cost solved it.

    ``timings_s.write`` (files, metrics and the OpenSim model export) is measured here so
    that it is in status.json, which is written last.
    """
    from sim.cas.model import CasadiModel
    from sim.stride.problem import angle_bounds_deg

    started = time.perf_counter()
    run_dir = Path(run_dir)
    partial = run_dir.with_name(run_dir.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    model = model or CasadiModel(spec)
    status = {
        "converged": bool(solution.converged), "ipopt_status": solution.status,
        "iterations": solution.iterations, "solve_time_s": solution.wall_time,
        "objective": solution.cost, "objective_terms": solution.cost_terms,
        "objective_shares": {k: v / solution.cost for k, v in solution.cost_terms.items()} if solution.cost else {},
        "gait": gait, "counts_as_result": counts_as_result(solution, gait.get("label")),
        "timings_s": dict(timings or {}), "versions": versions(),
    }
    if starts is not None:
        status["starts"] = starts
    if formulation is not None:
        status["formulation"] = formulation
    write_json(partial / "config.json", config)
    np.savez(partial / "solution.npz", **{k: v for k, v in asdict(solution).items()
                                         if isinstance(v, np.ndarray)},
             duration=solution.duration, speed=solution.speed, symmetric=solution.symmetric)
    (partial / "spec.json").write_text(spec.model_dump_json(indent=1))
    if gait.get("label") != "failed":
        fs = full_stride(solution, model)
        write_opensim_files(fs, partial)
        metrics = compute_metrics(fs)
        metrics["coordinates_at_range_limit"] = coordinates_at_range_limit(fs, angle_bounds_deg(spec))
        metrics["loaded_foot_slip"] = loaded_foot_slip(fs, model)
        metrics["analysis"] = write_analysis(fs, model, partial)
        write_json(partial / "metrics.json", metrics)
    if export_model:
        from sim.knobs import apply_knobs
        from sim.opensim_bridge import run_opensim

        run_opensim("export", spec=apply_knobs(spec, solution.knobs).model_dump(),
                    path=str(partial.resolve() / "model.osim"))
    status["timings_s"]["write"] = time.perf_counter() - started
    write_json(partial / "status.json", status)
    if run_dir.exists():
        shutil.rmtree(run_dir)
    os.replace(partial, run_dir)
    return status


def fingerprint(spec, formulation: dict) -> str:
    """Short SHA-256 of a model (its values) and a stride formulation (cost and weights)."""
    text = spec.fingerprint() + json.dumps(formulation, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def result_fingerprint(run_dir: str | Path) -> str | None:
    """:func:`fingerprint` of the model and formulation a run folder was solved with; None if
    spec.json or status.json is unreadable or the run predates recorded formulations."""
    from sim.spec import ModelSpec

    try:
        spec = ModelSpec.model_validate_json((Path(run_dir) / "spec.json").read_text())
        formulation = json.loads((Path(run_dir) / "status.json").read_text())["formulation"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return fingerprint(spec, formulation)


def check_run_folder(path: str | Path) -> Path:
    """Raise NotARunFolder unless ``path`` holds a complete result."""
    path = Path(path)
    if not path.is_dir():
        raise NotARunFolder(f"{path} is not a folder")
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if missing:
        raise NotARunFolder(f"{path} is not a stridesim result (missing {', '.join(missing)})")
    try:
        json.loads((path / "status.json").read_text())
        with np.load(path / "solution.npz") as data:
            data["q"]
    except Exception as exc:
        raise NotARunFolder(f"{path} holds a corrupted result ({exc})") from exc
    return path
