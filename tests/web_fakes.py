"""A stand-in for sim.apps.clinic_service.ClinicService: the same methods and shapes, no solves, clock-driven jobs.

Answers are made-up but shaped like the service's (so the page can be driven fast); nothing here is a result.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
import zipfile
from pathlib import Path

from sim.apps.clinic_inputs import ClinicalInputs

STEPS = ("healthy stride", "tight hip flexors alone", "weak glutes alone", "as entered")
HEALTHY_THOMAS, FULL_STRENGTH = -11.9, 100.0
TITLES = {"healthy": "Healthy runner", "hip_flexors": "Tight hip flexors alone", "glutes": "Weak glutes alone",
          "both": "As entered"}


class FakeService:
    """Jobs wait ``queue_s``, then run ``step_s`` per step and are done; ``hold`` keeps them running until
    cancelled. ``fail_mass`` (kg) makes a job of that body mass fail. ``preview_ready=False`` withholds previews."""

    def __init__(self, store: Path, queue_s: float = 0.3, step_s: float = 0.4, hold: bool = False,
                 preview_ready: bool = True, fail_mass: float | None = None) -> None:
        self.store, self.queue_s, self.step_s, self.hold = Path(store), queue_s, step_s, hold
        self.preview_ready, self.fail_mass = preview_ready, fail_mass
        self._jobs: dict[str, dict] = {}
        self._solved: set[str] = set()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.started = self.stopped = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.stopped = True

    def submit(self, inputs: ClinicalInputs) -> dict:
        with self._lock:
            job_id = f"{next(self._ids):016x}"  # the service's form: 16 hexadecimal digits
            cached = inputs.key() in self._solved
            self._jobs[job_id] = {"inputs": inputs, "t0": time.monotonic() - (1e6 if cached else 0.0),
                                  "cancelled": False}
        return self.job(job_id)

    def job(self, job_id: str) -> dict:
        with self._lock:
            record = self._jobs[job_id]
        inputs: ClinicalInputs = record["inputs"]
        elapsed = time.monotonic() - record["t0"]
        running = max(0.0, elapsed - self.queue_s)
        steps_done = min(len(STEPS), int(running / self.step_s))
        if self.hold:
            steps_done = min(steps_done, len(STEPS) - 1)
        view = {"id": job_id, "position": 0, "steps_total": len(STEPS), "steps_done": steps_done,
                "iteration": int(running * 40) % 500, "elapsed_s": round(running, 2), "message": "",
                "inputs": inputs.model_dump(), "step": STEPS[min(steps_done, len(STEPS) - 1)]}
        if record["cancelled"]:
            return {**view, "state": "cancelled", "message": "cancelled at your request"}
        if elapsed < self.queue_s:
            return {**view, "state": "queued", "position": 1, "elapsed_s": 0.0, "steps_done": 0, "iteration": 0}
        if steps_done == len(STEPS):
            if self.fail_mass is not None and inputs.mass_kg == self.fail_mass:
                return {**view, "state": "failed", "message": "the solver did not converge (fake)"}
            self._solved.add(inputs.key())
            return {**view, "state": "done", "step": "done"}
        return {**view, "state": "running"}

    def cancel(self, job_id: str) -> dict:
        if self.job(job_id)["state"] in ("queued", "running"):
            self._jobs[job_id]["cancelled"] = True
        return self.job(job_id)

    def jobs(self) -> list[dict]:
        return [self.job(job_id) for job_id in list(self._jobs)]

    def answer(self, job_id: str) -> dict:
        assert self.job(job_id)["state"] == "done"
        return fake_answer(self._jobs[job_id]["inputs"], "exact")

    def preview(self, inputs: ClinicalInputs) -> dict | None:
        return fake_answer(inputs, "preview") if self.preview_ready else None

    def preview_progress(self) -> dict:
        return {"state": "done", "solved": 16, "total": 16} if self.preview_ready else \
            {"state": "running", "solved": 5, "total": 16}

    def pdf(self, job_id: str) -> Path:
        path = self.store / f"{job_id}.pdf"
        path.write_bytes(b"%PDF-1.4\n% fake one-page report\n%%EOF\n")
        return path

    def zip(self, job_id: str) -> Path:
        path = self.store / f"{job_id}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("healthy/status.json", "{}")
        return path


def _scenarios(inputs: ClinicalInputs) -> list[str]:
    tight = max(inputs.thomas_angle_right_deg, inputs.thomas_angle_left_deg) > HEALTHY_THOMAS
    weak = min(inputs.glute_strength_right_percent, inputs.glute_strength_left_percent) < FULL_STRENGTH
    if tight and weak:
        return ["healthy", "hip_flexors", "glutes", "both"]
    return ["healthy", "both"] if tight or weak else ["healthy"]


def _effect(inputs: ClinicalInputs, key: str) -> tuple[float, float]:
    """(tightness 0..1, weakness 0..1) of a scenario."""
    tight = (max(inputs.thomas_angle_right_deg, inputs.thomas_angle_left_deg) - HEALTHY_THOMAS) / 31.9
    weak = (FULL_STRENGTH - min(inputs.glute_strength_right_percent, inputs.glute_strength_left_percent)) / 90.0
    return {"healthy": (0.0, 0.0), "hip_flexors": (tight, 0.0), "glutes": (0.0, weak), "both": (tight, weak)}[key]


def _row(key: str, label: str, unit: str, digits: int, values: dict[str, float], spread: float | None) -> dict:
    change = {k: v - values["healthy"] for k, v in values.items()}
    exceeds = None if spread is None else {k: abs(c) > spread for k, c in change.items()}
    worst = max(values, key=lambda k: abs(change[k]))
    return {"key": key, "label": label, "unit": unit, "digits": digits, "values": values, "change": change,
            "spread": spread, "exceeds_spread": exceeds,
            "sentence": f"{label} changes from {values['healthy']:.{digits}f} to {values[worst]:.{digits}f} {unit}."}


def _frames(keys: list[str], inputs: ClinicalInputs, count: int = 40) -> dict:
    segments = [["head", "neck"], ["neck", "pelvis"], ["pelvis", "knee_l"], ["knee_l", "ankle_l"],
                ["ankle_l", "toe_l"], ["pelvis", "knee_r"], ["knee_r", "ankle_r"], ["ankle_r", "toe_r"]]
    runs = {}
    for key in keys:
        tight, weak = _effect(inputs, key)
        stride = 0.72 + 0.03 * weak
        points: dict[str, list[list[float]]] = {name: [] for pair in segments for name in pair}
        for i in range(count):
            phase = i / count
            x0, y0 = inputs.speed_m_s * stride * phase, 0.93 + 0.03 * math.cos(4 * math.pi * phase)
            points["pelvis"].append([x0, y0])
            points["neck"].append([x0 + 0.08, y0 + 0.52])
            points["head"].append([x0 + 0.1, y0 + 0.72])
            for side, shift in (("r", 0.0), ("l", 0.5)):
                angle = math.radians((30 - 12 * tight) * math.sin(2 * math.pi * (phase + shift)))
                knee = math.radians(20 + 45 * max(0.0, math.sin(2 * math.pi * (phase + shift) - 1.2)))
                kx, ky = x0 + 0.45 * math.sin(angle), y0 - 0.45 * math.cos(angle)
                ax, ay = kx + 0.45 * math.sin(angle - knee), ky - 0.45 * math.cos(angle - knee)
                points[f"knee_{side}"].append([kx, ky])
                points[f"ankle_{side}"].append([ax, ay])
                points[f"toe_{side}"].append([ax + 0.15, ay - 0.03])
        runs[key] = {"stride_time_s": stride, "points": points}
    return {"count": count, "segments": segments, "runs": runs}


def fake_answer(inputs: ClinicalInputs, kind: str) -> dict:
    """An answer shaped like ClinicService.answer/preview, made from smooth made-up curves."""
    keys = _scenarios(inputs)
    effects = {k: _effect(inputs, k) for k in keys}
    percent = [float(i) for i in range(101)]
    series = []
    for name, label, unit, kind_, amp, offset in (
            ("hip_flexion", "Hip flexion", "deg", "angle", 35, 10), ("pelvis_tilt", "Pelvis tilt", "deg", "angle", 4, 12),
            ("lumbar_extension", "Lumbar extension", "deg", "angle", 3, -12), ("knee_angle", "Knee flexion", "deg",
                                                                                "angle", 45, 50),
            ("ankle_angle", "Ankle dorsiflexion", "deg", "angle", 20, 0), ("hip_power", "Hip power", "W/kg", "power", 6, 0),
            ("knee_power", "Knee power", "W/kg", "power", 9, 0), ("ankle_power", "Ankle power", "W/kg", "power", 14, 2)):
        values = {k: [offset + amp * (1 - 0.3 * effects[k][0] - 0.2 * effects[k][1]) * math.sin(2 * math.pi * p / 100 + 0.4)
                      + 6 * effects[k][0] for p in percent] for k in keys}
        series.append({"key": name, "label": label, "unit": unit, "kind": kind_, "values": values})

    def by(base: float, tight: float, weak: float) -> dict[str, float]:
        return {k: base + tight * effects[k][0] + weak * effects[k][1] for k in keys}

    comparison = [_row("peak_hip_extension", "Peak hip extension", "deg", 1, by(14.2, -6.0, -1.5), 0.6),
                  _row("cadence", "Cadence", "steps/min", 0, by(184, 3, 5), 2.0),
                  _row("stride_length", "Stride length", "m", 2, by(2.28, -0.08, -0.11), None),
                  _row("metabolic_cost", "Energy cost", "J/(kg m)", 2, by(3.9, 0.2, 0.35), 0.05)]
    loads = [{**_row("hip_contact", "Peak hip joint force", "BW", 1, by(7.8, 0.9, -0.4), 0.3),
              "source": "joint reaction analysis of the model"},
             {**_row("achilles", "Peak Achilles tendon force", "BW", 1, by(6.1, 0.2, 0.8), 0.3),
              "source": "muscle forces of the model"}]
    shares = {k: {"gluteus maximus": 0.22 - 0.15 * effects[k][1], "hamstrings": 0.18 + 0.08 * effects[k][1],
                  "calf muscles": 0.45 + 0.05 * effects[k][0], "quadriceps": 0.15 + 0.02 * effects[k][1]} for k in keys}
    text = [row["sentence"] for row in comparison] + ["Calf muscles do more of the push-off when the glutes are weak."]
    caveats = {k: [f"{TITLES[k]}: the foot lands skidding forward (model limitation)."] for k in keys}
    return {"kind": kind, "inputs": inputs.model_dump(), "scenarios": [{"key": k, "title": TITLES[k]} for k in keys],
            "text": text, "caveats": caveats, "comparison": comparison, "loads": loads, "shares": shares,
            "curves": {"percent": percent, "series": series}, "frames": _frames(keys, inputs),
            "strides": {k: f"/srv/clinic/store/{k}" for k in keys}}
