"""RunFolder: the one place that knows a run folder's files, reads them back and checks them.

A run folder holds everything one solve produced (docs/stride.md, 'Run folder'): the resolved
configuration, the solver status and provenance, the metrics, the raw solution (warm starts),
the model and the full stride as OpenSim files (they open together in the OpenSim GUI), the
analysis tables and figures. :func:`sim.results.writer.write_run` writes it, atomically.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from sim.io.storage import read_storage
from sim.model.spec import COORDINATES, ROTATIONAL, ModelSpec
from sim.stride.trajectory import Trajectory

CONFIG, STATUS, METRICS, SPEC, SOLUTION = "config.json", "status.json", "metrics.json", "spec.json", "solution.npz"
MODEL, KINEMATICS, GRF, EXTERNAL_LOADS = "model.osim", "kinematics.mot", "grf.mot", "external_loads.xml"
ACTIVATIONS, MUSCLE_FORCES, FIBER_LENGTHS = "activations.sto", "muscle_forces.sto", "fiber_lengths.sto"
JOINTS_TABLE, MUSCLES_TABLE, VS_MEASURED = "joints.csv", "muscles.csv", "vs_measured.png"
MULTIPLIERS = "multipliers.npz"  # IPOPT's multipliers at the solution: a neighbour's warm start starts from them
NEAR_BEST = "near_best"  # folder: solution-like .npz files of other starts that reached the best cost
#: the files without which a folder is not a result
REQUIRED_FILES = (CONFIG, STATUS, SOLUTION)
#: the files a run needs to be drawn (a failed solve has no kinematics)
DRAW_FILES = (SPEC, KINEMATICS, GRF, ACTIVATIONS)


def metric(metrics: dict, key: str):
    """A value of metrics.json by its dotted key (``"analysis.ratios.plantar_flexor_share_of_propulsion"``)."""
    for part in key.split("."):
        metrics = metrics[part]
    return metrics


class NotARunFolder(ValueError):
    """A folder that is not a (complete) stridesim result."""


class RunFolder:
    """A run folder on disk: its file names, its contents read back, whether it holds a result."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"RunFolder({str(self.path)!r})"

    def file(self, name: str) -> Path:
        return self.path / name

    # ------------------------------------------------------------------ checks
    def check(self) -> RunFolder:
        """This folder if it holds a complete result; NotARunFolder otherwise."""
        if not self.path.is_dir():
            raise NotARunFolder(f"{self.path} is not a folder")
        missing = [f for f in REQUIRED_FILES if not self.file(f).is_file()]
        if missing:
            raise NotARunFolder(f"{self.path} is not a stridesim result (missing {', '.join(missing)})")
        try:
            json.loads(self.file(STATUS).read_text())
            with np.load(self.file(SOLUTION)) as data:
                data["q"]
        except Exception as exc:
            raise NotARunFolder(f"{self.path} holds a corrupted result ({exc})") from exc
        return self

    def holds_result(self) -> bool:
        """True if the folder holds a converged running stride (a result worth keeping)."""
        try:
            return bool(self.check().status().get("counts_as_result"))
        except NotARunFolder:
            return False

    # ------------------------------------------------------------------ contents
    def _json(self, name: str) -> dict:
        return json.loads(self.file(name).read_text())

    def status(self) -> dict:
        return self._json(STATUS)

    def config(self) -> dict:
        return self._json(CONFIG)

    def metrics(self) -> dict:
        return self._json(METRICS)

    def spec(self) -> ModelSpec:
        return ModelSpec.model_validate_json(self.file(SPEC).read_text())

    def solution(self) -> tuple[Trajectory, ModelSpec]:
        """The solved trajectory (as the solver returned it) and the model it was solved with."""
        from sim.model.knobs import validate_knobs

        self.check()
        spec = self.spec()
        knobs = validate_knobs(spec, self.config().get("knobs"))
        trajectory = Trajectory.load(self.file(SOLUTION), muscles=spec.muscle_names(),
                                     body_weight=-spec.mass * spec.gravity, knobs=knobs)
        return trajectory, spec

    def multipliers(self) -> dict[str, np.ndarray] | None:
        """IPOPT's multipliers at the kept solution (``lam_x``, ``lam_g``), if the folder has them."""
        try:
            with np.load(self.file(MULTIPLIERS)) as data:
                return {"lam_x": data["lam_x"], "lam_g": data["lam_g"]}
        except (OSError, KeyError, ValueError):
            return None

    def near_best(self) -> list[Trajectory]:
        """Solved trajectories of the other starts that reached the best cost (within 1 %), if kept."""
        spec = self.spec()
        knobs = self.solution()[0].knobs
        return [Trajectory.load(path, muscles=spec.muscle_names(), body_weight=-spec.mass * spec.gravity, knobs=knobs)
                for path in sorted(self.file(NEAR_BEST).glob("*.npz"))]

    def full_stride(self) -> Trajectory:
        """The full stride as written in the OpenSim files (SI, rad): kinematics, GRF with centres
        of pressure, activations; no model evaluation needed. NotARunFolder names a missing or broken file."""
        spec = self.spec()
        time, kin, kin_deg = self._columns(KINEMATICS, list(COORDINATES))
        q = np.column_stack([np.radians(kin[:, i]) if (kin_deg and c in ROTATIONAL) else kin[:, i]
                             for i, c in enumerate(COORDINATES)])
        grf_columns = [f"ground_force_{s}_{k}{a}" for s in "rl" for k in "vp" for a in "xyz"]
        t_grf, grf, _ = self._columns(GRF, grf_columns)
        names = spec.muscle_names()
        t_act, act, _ = self._columns(ACTIVATIONS, [f"{m}_activation" for m in names])
        if len(t_grf) != len(time) or len(t_act) != len(time):
            raise NotARunFolder(f"{self.path}: kinematics, GRF and activations have different numbers of rows")
        speed = float((q[-1, COORDINATES.index("pelvis_tx")] - q[0, COORDINATES.index("pelvis_tx")])
                      / (time[-1] - time[0]))
        return Trajectory(time=time, q=q, qd=np.gradient(q, time, axis=0), qdd=None, activation=act, muscles=names,
                          speed=speed, body_weight=-spec.mass * spec.gravity, knobs=self.config().get("knobs") or {},
                          grf={s: grf[:, 6 * i:6 * i + 3] for i, s in enumerate("rl")},
                          cop={s: grf[:, 6 * i + 3:6 * i + 6] for i, s in enumerate("rl")})

    def _columns(self, name: str, wanted: list[str]) -> tuple[np.ndarray, np.ndarray, bool]:
        path = self.file(name)
        try:
            labels, rows, in_degrees = read_storage(path)
        except Exception as exc:
            raise NotARunFolder(f"cannot read {path}: {exc}") from None
        missing = [w for w in wanted if w not in labels]
        if missing or rows.ndim != 2 or len(rows) < 2:
            raise NotARunFolder(f"{path} is incomplete (missing columns: {', '.join(missing[:5]) or 'rows'})")
        return rows[:, 0], rows[:, [labels.index(w) for w in wanted]], in_degrees

    # ------------------------------------------------------------------ identity
    def fingerprint(self) -> str | None:
        """:func:`fingerprint` of the model and formulation this folder was solved with; None if
        spec.json or status.json is unreadable or the run recorded no formulation."""
        try:
            return fingerprint(self.spec(), self.status()["formulation"])
        except (OSError, ValueError, KeyError, TypeError):
            return None


def fingerprint(spec: ModelSpec, formulation: dict) -> str:
    """Short SHA-256 of a model (its values) and a stride formulation (goals and weights)."""
    text = spec.fingerprint() + json.dumps(formulation, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_run_folder(path: str | Path) -> Path:
    """The folder's path if it holds a complete result; NotARunFolder otherwise."""
    return RunFolder(path).check().path
