"""Writing a run folder: every file of one solve, atomically, and never over a result with a failure.

The folder is assembled in a private ``NAME.partial-*`` folder and swapped into place at the
end (:func:`sim.io.atomic.atomic_folder`): it appears whole or not at all, and two processes
writing the same folder leave one complete folder. A folder that holds a result (a converged
running stride) is replaced only by another result, and only when the caller says so
(``overwrite``); a failure is written beside it, to ``NAME.failed``, and the status says where.
"""

from __future__ import annotations

import csv
import functools
import platform
import subprocess
import time
from pathlib import Path

import numpy as np

from sim import __version__
from sim.io.atomic import atomic_folder, write_json
from sim.io.storage import write_external_loads, write_storage
from sim.model.spec import COORDINATES, ROTATIONAL
from sim.results import runfolder as rf
from sim.stride.classify import counts_as_result
from sim.stride.trajectory import Trajectory


class ResultExists(ValueError):
    """The target folder holds a result that would be replaced without ``overwrite``."""


def versions() -> dict:
    """Library versions for provenance (a copy; asking OpenSim costs a child process, so cached)."""
    return dict(_versions())


@functools.lru_cache(maxsize=1)
def _versions() -> dict:
    import casadi

    from sim.osim.bridge import run_opensim

    try:
        opensim_version = run_opensim("version", timeout=120)
    except Exception as exc:  # the result stays valid without OpenSim; say why
        opensim_version = f"unavailable ({exc.__class__.__name__})"
    return {"stridesim": __version__, "python": platform.python_version(), "casadi": casadi.__version__,
            "ipopt": "bundled with casadi " + casadi.__version__, "opensim": opensim_version,
            "numpy": np.__version__}


def failed_beside(folder: Path) -> Path:
    """Where a failure goes when ``folder`` holds a result: ``NAME.failed`` next to it."""
    return folder.with_name(folder.name + ".failed")


def check_target(folder: str | Path, overwrite: bool) -> None:
    """ResultExists if ``folder`` holds a result and ``overwrite`` is not given, or holds anything that
    is not a run folder (it would be replaced whole), before any work."""
    target = rf.RunFolder(folder)
    if not overwrite and target.holds_result():
        raise ResultExists(f"{target.path} holds a result (a converged running stride); give --overwrite to "
                           f"replace it, or another output folder (-o)")
    if target.path.exists() and not target.path.is_dir():
        raise ResultExists(f"{target.path} is a file, not a run folder; give another output folder (-o)")
    if target.path.is_dir() and any(target.path.iterdir()) and not target.file(rf.STATUS).exists():
        raise ResultExists(f"{target.path} holds files that are not a stridesim run (no status.json); it would be "
                           f"replaced whole: give another output folder (-o)")


def write_opensim_files(fs: Trajectory, out: Path) -> None:
    """Kinematics (.mot, degrees), GRF (.mot) with its external-loads XML, muscle .sto files."""
    q = fs.q.copy()
    rot = [i for i, c in enumerate(COORDINATES) if c in ROTATIONAL]
    q[:, rot] = np.degrees(q[:, rot])
    write_storage(out / rf.KINEMATICS, fs.time, COORDINATES, q, "kinematics", in_degrees=True)
    columns, data = [], []
    for side in ("r", "l"):
        for kind, values in (("force", fs.grf[side]), ("p", fs.cop[side])):
            prefix = f"ground_force_{side}_{'v' if kind == 'force' else 'p'}"
            columns += [f"{prefix}{axis}" for axis in "xyz"]
            data.append(values)
        columns += [f"ground_torque_{side}_{axis}" for axis in "xyz"]
        data.append(fs.torque[side])
    write_storage(out / rf.GRF, fs.time, columns, np.hstack(data), "ground_reaction_forces")
    write_external_loads(out / rf.EXTERNAL_LOADS, rf.GRF, [("ground_force_r", "calcn_r"), ("ground_force_l", "calcn_l")])
    names = fs.muscles
    write_storage(out / rf.ACTIVATIONS, fs.time, [f"{m}_activation" for m in names], fs.activation, "activations")
    write_storage(out / rf.MUSCLE_FORCES, fs.time, [f"{m}_tendon_force" for m in names], fs.muscle_force,
                  "muscle_forces")
    write_storage(out / rf.FIBER_LENGTHS, fs.time, [f"{m}_normalized_fiber_length" for m in names],
                  fs.fiber_length_norm, "normalized_fiber_lengths")


def write_analysis(fs: Trajectory, model, out: Path) -> dict:
    """joints.csv and muscles.csv (tidy tables) and the summary that goes into metrics.json."""
    from sim.results.analysis import analyze

    result = analyze(fs, model)
    joint_rows = [{"joint": j, **v} for j, v in result["work"]["joints"].items()]
    contributors = result["propulsion"]["contributors"]
    muscle_rows = [{"muscle": m, **result["work"]["muscles"].get(m, {}), **contributors.get(m, {})}
                   for m in result["work"]["muscles"]]
    muscle_rows += [{"muscle": k, **v} for k, v in contributors.items() if k in ("passive", "gravity", "velocity")]
    for name, rows in ((rf.JOINTS_TABLE, joint_rows), (rf.MUSCLES_TABLE, muscle_rows)):
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
              formulation: dict | None = None, overwrite: bool = False, interrupted: bool = False,
              check_residuals: bool = False, near_best: list | None = None,
              extra_json: dict[str, object] | None = None) -> dict:
    """Write a complete run folder for ``solution`` (a :class:`sim.stride.solve.Solution`); return its status.

    ``formulation``: the stride problem's goals and weights (``StrideProblem.formulation``), kept
    in status.json so that a fingerprint can tell which cost solved it. ``interrupted``: the
    multi-start was stopped before every start ran (status ``interrupted``). A failure never
    replaces a result: it goes to :func:`failed_beside` (``status["written_to"]`` says where);
    a result replaces a result only with ``overwrite``. ``check_residuals``: judge the converged
    stride's dynamic consistency with OpenSim (:mod:`sim.results.residuals`, into metrics.json).
    ``near_best``: trajectories of the other starts that reached the best cost (within 1 %), kept
    in ``near_best/`` so that the spread of an answer over them can be read later. ``extra_json``:
    more files of the folder (name -> JSON content) written inside the same atomic swap.
    ``timings_s.write`` (files, metrics, the OpenSim model export and checks) is measured here so
    that it is in status.json, which is written last.
    """
    from sim.cas.model import CasadiModel
    from sim.results.metrics import compute_metrics, coordinates_at_range_limit, loaded_foot_slip
    from sim.stride.variables import angle_bounds_deg

    started = time.perf_counter()
    run_dir = Path(run_dir)
    report = solution.report
    is_result = counts_as_result(solution, gait.get("label"))
    target = run_dir
    if rf.RunFolder(run_dir).holds_result():
        if not is_result:
            target = failed_beside(run_dir)
        elif not overwrite:
            raise ResultExists(f"{run_dir} holds a result; not replaced (overwrite not given)")
    model = model or CasadiModel(spec)
    status = {
        "converged": report.converged, "ipopt_status": report.status, "iterations": report.iterations,
        "solve_time_s": report.wall_time, "objective": report.objective, "objective_terms": report.objective_terms,
        "objective_shares": report.objective_shares, "gait": gait, "counts_as_result": is_result,
        "interrupted": interrupted, "timings_s": dict(timings or {}), "versions": versions(),
    }
    if starts is not None:
        status["starts"] = starts
    if formulation is not None:
        status["formulation"] = formulation
    if target != run_dir:
        status["written_to"] = str(target)
        status["kept_result"] = str(run_dir)

    def guard() -> None:  # under the folder's lock: a result that appeared meanwhile is not replaced
        if target == run_dir and rf.RunFolder(run_dir).holds_result() and not (is_result and overwrite):
            raise ResultExists(f"{run_dir} received a result while this solve ran; this one was not written over it")

    check_target(target, overwrite=True)
    with atomic_folder(target, guard) as partial:
        write_json(partial / rf.CONFIG, config)
        solution.trajectory.save(partial / rf.SOLUTION)
        if is_result and solution.multipliers is not None:
            np.savez_compressed(partial / rf.MULTIPLIERS, **solution.multipliers)
        if near_best and is_result:
            (partial / rf.NEAR_BEST).mkdir()
            for k, trajectory in enumerate(near_best):
                trajectory.save(partial / rf.NEAR_BEST / f"start_{k + 1}.npz")
        (partial / rf.SPEC).write_text(spec.model_dump_json(indent=1))
        if gait.get("label") != "failed":
            fs = solution.trajectory.full_stride(model)
            write_opensim_files(fs, partial)
            metrics = compute_metrics(fs)
            metrics["coordinates_at_range_limit"] = coordinates_at_range_limit(fs, angle_bounds_deg(spec))
            metrics["loaded_foot_slip"] = loaded_foot_slip(fs, model)
            metrics["analysis"] = write_analysis(fs, model, partial)
            write_json(partial / rf.METRICS, metrics)
        if export_model:
            from sim.model.knobs import apply_knobs
            from sim.osim.bridge import run_opensim

            run_opensim("export", spec=apply_knobs(spec, solution.trajectory.knobs).model_dump(),
                        path=str(partial.resolve() / rf.MODEL))
            if check_residuals and report.converged and gait.get("label") != "failed":
                from sim.osim.bridge import OpenSimTaskError
                from sim.results.residuals import pelvis_residuals

                try:  # a failed check must not cost the solved stride
                    metrics["opensim_pelvis_residuals"] = pelvis_residuals(partial, solution.trajectory,
                                                                           -spec.mass * spec.gravity, spec.height)
                except (OpenSimTaskError, OSError, subprocess.TimeoutExpired) as exc:
                    metrics["opensim_pelvis_residuals"] = {"error": f"{exc.__class__.__name__}: {str(exc)[:300]}"}
                write_json(partial / rf.METRICS, metrics)
        for name, content in (extra_json or {}).items():
            write_json(partial / name, content)
        status["timings_s"]["write"] = time.perf_counter() - started
        write_json(partial / rf.STATUS, status)
    return status
