"""The clinic's job service: one solve at a time, each in its own spawned process, a queue with
positions, Cancel, answers kept on disk, and the preview grid solved when nobody waits.

The web page (sim.web) and tests drive it. It never imports opensim (the solves run in child
processes, and OpenSim work in theirs); it loads casadi only to fingerprint the model and cost.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing as mp
import queue as queue_module
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from sim.apps.clinic_inputs import ClinicalInputs
from sim.apps.clinic_store import (
    PREVIEW_GRID,
    answer_folder,
    preview_answer,
    preview_path,
    solve_answer,
    solve_preview_point,
    stored_answer,
)
from sim.io.atomic import atomic_file

log = logging.getLogger("stridesim.clinic")
STATES = ("queued", "running", "done", "failed", "cancelled")


@dataclass
class Job:
    id: str
    inputs: ClinicalInputs
    state: str = "queued"
    step: str = ""
    steps_done: int = 0
    steps_total: int = 0
    iteration: int = 0
    message: str = ""
    started: float | None = None
    finished: float | None = None
    cancel_requested: bool = False
    history: list[str] = field(default_factory=list)


def _child(kind: str, args: tuple, events) -> None:
    """Entry point of a solve's own process: run it, report progress and the outcome."""
    def progress(event: dict) -> None:
        events.put(("progress", event))

    try:
        if kind == "answer":
            solve_answer(*args, progress=progress)
        else:
            solve_preview_point(*args, progress=progress)
        events.put(("done", {}))
    except Exception as exc:  # reported to the parent as the job's message, never as a trace on the page
        events.put(("failed", {"message": f"{exc}"[:500]}))


class ClinicService:
    """Queue, worker and store of the clinic (the contract the web page codes against: docs/clinic.md)."""

    def __init__(self, store: Path, n_intervals: int = 50, starts: int = 3, preview: bool = True,
                 preview_grid: dict | None = None):
        self.store = Path(store)
        self.n_intervals, self.starts, self.preview_enabled = n_intervals, starts, preview
        self.grid = preview_grid or PREVIEW_GRID
        self._jobs: dict[str, Job] = {}
        self._queue: list[str] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: the running task: (kind "answer" | "preview", its job or None, its process or None until started)
        self._current: tuple[str, Job | None, object] | None = None
        self._context = mp.get_context("spawn")

    # ------------------------------------------------------------------ life cycle
    def start(self) -> None:
        self.store.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._work, name="clinic-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        with self._lock:
            process = self._current[2] if self._current else None
        _terminate(process)
        if self._thread is not None:
            self._thread.join(timeout=30)

    # ------------------------------------------------------------------ jobs
    def job_id(self, inputs: ClinicalInputs) -> str:
        return hashlib.sha1(f"{inputs.key()}_n{self.n_intervals}".encode()).hexdigest()[:16]

    def submit(self, inputs: ClinicalInputs) -> dict:
        """Queue ``inputs`` (a stored answer is done at once; a queued or running twin is returned)."""
        job_id = self.job_id(inputs)
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.state in ("queued", "running", "done"):
                return self._view(job)
        answered = stored_answer(self.store, inputs, self.n_intervals) is not None  # read outside the lock
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.state in ("queued", "running", "done"):
                return self._view(job)
            job = Job(job_id, inputs)
            self._jobs[job_id] = job
            if answered:
                job.state, job.message, job.finished = "done", "answered before: read from the store", time.time()
                return self._view(job)
            self._queue.append(job_id)
            if self._current and self._current[0] == "preview":
                # a person waits: the background grid stride stops (it is solved again later)
                _terminate(self._current[2])
        self._wake.set()
        return self.job(job_id)

    def job(self, job_id: str) -> dict:
        with self._lock:
            return self._view(self._jobs[job_id])

    def jobs(self) -> list[dict]:
        with self._lock:
            return [self._view(j) for j in self._jobs.values()]

    def cancel(self, job_id: str) -> dict:
        with self._lock:
            job = self._jobs[job_id]
            if job.state == "queued":
                self._queue.remove(job_id)
                job.state, job.message, job.finished = "cancelled", "cancelled before it started", time.time()
            elif job.state == "running":
                job.cancel_requested = True  # the worker ends the job's own process (also one not started yet)
                if self._current and self._current[1] is job:
                    _terminate(self._current[2])
        if job.cancel_requested:
            for _ in range(100):
                if self.job(job_id)["state"] != "running":
                    break
                time.sleep(0.05)
        return self.job(job_id)

    def answer(self, job_id: str) -> dict:
        job = self._jobs[job_id]
        answer = stored_answer(self.store, job.inputs, self.n_intervals) if job.state == "done" else None
        if answer is None:
            raise KeyError(f"job {job_id} has no answer (state {job.state})")
        return answer

    def pdf(self, job_id: str) -> Path:
        self.answer(job_id)
        return answer_folder(self.store, self._jobs[job_id].inputs, self.n_intervals) / "report.pdf"

    def zip(self, job_id: str) -> Path:
        """A zip of the answer's run folders (and its answer.json and report.pdf), built on request."""
        answer = self.answer(job_id)
        folder = answer_folder(self.store, self._jobs[job_id].inputs, self.n_intervals)
        target = folder / "runs.zip"
        with atomic_file(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in ("answer.json", "report.pdf"):
                archive.write(folder / name, name)
            for key, stride in answer["strides"].items():
                root = Path(stride)
                for path in sorted(root.rglob("*")):
                    if path.is_file():
                        archive.write(path, f"{key}_{root.name}/{path.relative_to(root)}")
        return target

    # ------------------------------------------------------------------ preview
    def _grid_points(self) -> list[tuple[float, float]]:
        return [(t, g) for t in self.grid["thomas_angle_deg"] for g in self.grid["glute_strength_percent"]]

    def _grid_missing(self) -> list[tuple[float, float]]:
        def solved(t: float, g: float) -> bool:
            path = preview_path(self.store, self.grid, t, g, self.n_intervals)
            return path.exists() or path.with_suffix(".failed.json").exists()
        return [p for p in self._grid_points() if not solved(*p)]

    def preview_progress(self) -> dict:
        if not self.preview_enabled:
            return {"state": "off", "solved": 0, "total": 0}
        total = len(self._grid_points())
        solved = total - len(self._grid_missing())
        return {"state": "done" if solved == total else "running", "solved": solved, "total": total}

    def preview(self, inputs: ClinicalInputs) -> dict | None:
        if not self.preview_enabled:
            return None
        try:
            return preview_answer(self.store, self.grid, inputs, self.n_intervals)
        except (KeyError, ValueError, OSError) as exc:
            log.warning("no preview: %s", exc)
            return None

    # ------------------------------------------------------------------ the worker
    def _view(self, job: Job) -> dict:
        running = 1 if self._current and self._current[0] == "answer" else 0
        position = self._queue.index(job.id) + running if job.id in self._queue else 0
        end = job.finished or time.time()
        return {"id": job.id, "state": job.state, "position": position, "step": job.step,
                "steps_done": job.steps_done, "steps_total": job.steps_total, "iteration": job.iteration,
                "elapsed_s": round(end - job.started, 1) if job.started else 0.0, "message": job.message,
                "inputs": job.inputs.model_dump()}

    def _next(self) -> tuple[str, Job | None, tuple] | None:
        missing = self._grid_missing() if self.preview_enabled else []
        with self._lock:
            if self._queue:
                job = self._jobs[self._queue.pop(0)]
                job.state, job.started = "running", time.time()
                self._current = ("answer", job, None)
                return "answer", job, (str(self.store), job.inputs.model_dump(), self.n_intervals, self.starts)
            if missing:
                self._current = ("preview", None, None)
                t, g = missing[0]
                return "preview", None, (str(self.store), self.grid, t, g, self.n_intervals, self.starts)
        return None

    def _work(self) -> None:
        while not self._stop.is_set():
            task = None
            try:
                task = self._next()
                if task is None:
                    self._wake.wait(timeout=1.0)
                    self._wake.clear()
                    continue
                self._run(*task)
            except Exception as exc:  # the worker must survive: the job fails with the reason, the queue goes on
                log.exception("clinic worker")
                with self._lock:
                    job = task[1] if task else None
                    if job is not None and job.state == "running":
                        job.state, job.finished = "failed", time.time()
                        job.message = f"the solve could not run: {exc.__class__.__name__}: {exc}"[:500]
                    self._current = None
                time.sleep(1.0)

    def _run(self, kind: str, job: Job | None, args: tuple) -> None:
        events = self._context.Queue()
        process = self._context.Process(target=_child, args=(kind, args, events), daemon=True)
        with self._lock:
            if job is not None and job.cancel_requested:  # cancelled before its process started
                job.state, job.message, job.finished = "cancelled", "cancelled before it started", time.time()
                self._current = None
                return
            process.start()
            self._current = (kind, job, process)
        outcome: tuple[str, dict] | None = None
        while process.is_alive() or outcome is None:
            if job is not None and job.cancel_requested:
                _terminate(process)
            try:
                what, event = events.get(timeout=0.2)
            except queue_module.Empty:
                if not process.is_alive():
                    break
                continue
            if what == "progress" and job is not None:
                with self._lock:
                    for name in ("step", "steps_done", "steps_total", "iteration", "message"):
                        if name in event:
                            setattr(job, name, event[name])
            elif what in ("done", "failed"):
                outcome = (what, event)
        process.join(timeout=10)
        with self._lock:
            preempted = self._current is not None and self._current[2] is process and process.exitcode == -15
            self._current = None
            if job is None:
                if outcome is None or outcome[0] == "failed":
                    message = outcome[1]["message"] if outcome else f"exit code {process.exitcode}"
                    log.warning("preview grid stride failed: %s", message)
                    if not (preempted and outcome is None):  # a failure is kept, so the grid moves on
                        _mark_failed(self.store, self.grid, args, message)
                return
            job.finished = time.time()
            if outcome is not None and outcome[0] == "done":  # finished before a late cancel: it is an answer
                job.state, job.message, job.step = "done", "answered", "done"
            elif job.cancel_requested:
                job.state, job.message = "cancelled", "cancelled; strides solved before it are kept"
            else:
                job.state = "failed"
                job.message = outcome[1]["message"] if outcome else f"the solve process ended (exit code {process.exitcode})"


def _terminate(process) -> None:
    """End ``process`` (a solve's own process) if it runs; None or a finished one is left alone."""
    if process is not None and process.is_alive():
        process.terminate()


def _mark_failed(store: Path, grid: dict, args: tuple, message: str) -> None:
    """Keep a grid stride's failure (whatever ended it), so that the grid goes on to the next."""
    from sim.io.atomic import write_json

    _, _, thomas, glute, n_intervals, _ = args
    path = preview_path(store, grid, thomas, glute, n_intervals).with_suffix(".failed.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, {"error": message})
