"""Judge a stored sweep point again by the current result rules, without solving it again.

A point solved under other rules (say, before reserve-driven strides stopped counting) keeps its
stride; only the verdict is brought up to date. A stride that no longer counts stays on disk as a
failed point with the reason, never silently a result, and is not replaced.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from sim.io.atomic import write_json
from sim.results.runfolder import STATUS, RunFolder
from sim.stride.classify import RESULT_RULES, classify, counts_as_result
from sim.sweep.worker import POINT_FILE


def needs_rejudging(record: dict) -> bool:
    """True if a finished point's verdict was reached by other result rules than today's."""
    return bool(record.get("counts_as_result")) and record.get("result_rules") != RESULT_RULES


def rejudge_point(folder: Path, record: dict, models: dict) -> dict:
    """Classify the point's stored stride again; rewrite its point record (``record``, as read from
    its ``point.json``) and, if the verdict changed, its status (atomically). ``models`` caches one
    CasADi model per model fingerprint. Returns the new record."""
    from sim.cas.model import CasadiModel

    run = RunFolder(folder)
    trajectory, spec = run.solution()
    status = run.status()
    key = spec.fingerprint()
    if key not in models:
        models[key] = CasadiModel(spec)
    solution = SimpleNamespace(trajectory=trajectory, report=SimpleNamespace(converged=bool(status.get("converged"))))
    label = classify(solution, model=models[key]).label
    is_result = counts_as_result(solution, label)
    gait = status.get("gait", {})
    previous = {"gait": gait.get("label"), "counts_as_result": record.get("counts_as_result"),
                "result_rules": record.get("result_rules")}
    if gait.get("label") != label or status.get("counts_as_result") != is_result:
        write_json(run.file(STATUS), {**status, "gait": {**gait, "label": label}, "counts_as_result": is_result,
                                      "rejudged": previous})
    record = {**record, "counts_as_result": is_result, "result_rules": RESULT_RULES,
              "rejudged": {**previous, "gait_now": label}}
    write_json(folder / POINT_FILE, record)
    return record
