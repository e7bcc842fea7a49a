"""Flags of a run: every check its metrics.json answers, with what it means and the range it is
held to (realism targets of healthy running and the warnings the analysis raises)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.results.metrics import REALISM


@dataclass(frozen=True)
class Flag:
    """One check: its name, what it means, the range it is held to, and how to read it from metrics."""

    key: str
    meaning: str
    target: str
    value: Callable[[dict], object]
    ok: Callable[[object], bool]


def _get(*keys: str) -> Callable[[dict], object]:
    def read(metrics: dict):
        value = metrics
        for k in keys:
            value = value[k]
        return value
    return read


def _within(low: float, high: float) -> Callable[[object], bool]:
    return lambda v: low <= float(v) <= high


FLAGS = [
    Flag("cadence", "steps per minute", "160-185 (healthy running at 3.5 m/s; Fukuchi et al. 2017: about 171)",
         _get("cadence_steps_per_min"), _within(*REALISM["cadence_steps_per_min"])),
    Flag("duty factor", "share of the stride a foot is on the ground", "0.30-0.40 (measured 0.29-0.36)",
         _get("duty_factor"), _within(*REALISM["duty_factor"])),
    Flag("flight phase", "both feet off the ground between steps: running, not walking", "yes",
         _get("flight_phase"), bool),
    Flag("peak vertical ground force", "body weights", "2.2-3.0 (measured 2.25-2.43)", _get("peak_vertical_grf_bw"),
         _within(*REALISM["peak_vertical_grf_bw"])),
    Flag("braking then propulsion", "the foot first brakes the body, then pushes it on", "yes",
         _get("braking_before_propulsion"), bool),
    Flag("braking peak", "largest backward ground force, body weights; a spike means a skidding touchdown",
         "0.15-0.6 (measured 0.24-0.37)", _get("peak_braking_grf_bw"), _within(0.15, 0.6)),
    Flag("swing knee flexion", "deepest knee bend while the foot is in the air, deg", "at least 90 (measured 100-109)",
         _get("peak_swing_knee_flexion_deg"), _within(*REALISM["peak_swing_knee_flexion_deg"])),
    Flag("knee at touchdown", "knee flexion as the foot lands, deg", "5-30 (measured 16-23)",
         _get("knee_flexion_at_contact_deg"), _within(5, 30)),
    Flag("loaded foot slip", "fastest slide of a foot contact that carries load, m/s",
         "at most 1.5 (measured heel about 0.7-0.9 at touchdown)", _get("loaded_foot_slip", "peak_m_per_s"),
         lambda v: float(v) <= 1.5),
    Flag("trunk lean", "forward lean of the trunk from vertical, deg", "2-15 (measured 6-11)",
         _get("trunk_forward_lean_mean_deg"), _within(2, 15)),
    Flag("lumbar motion", "range of lumbar extension over the stride, deg", "at least 6 (measured 14-18)",
         _get("lumbar_extension_range_deg"), lambda v: float(v) >= 6),
    Flag("passive muscle force", "muscles whose passive force exceeds their maximal isometric force",
         "none (beyond what muscle tissue bears)", _get("analysis", "passive", "muscles_passive_above_max_isometric"),
         lambda v: not v),
    Flag("coordinates on a bound", "angles that reach their optimization bound (the bound, not the muscles, "
         "limits them)", "none", _get("coordinates_at_range_limit"), lambda v: not v),
]


def evaluate(metrics: dict) -> list[dict]:
    """Every flag of ``metrics``: key, meaning, target, value and ok (None when the run lacks the metric)."""
    rows = []
    for flag in FLAGS:
        try:
            value = flag.value(metrics)
            ok = bool(flag.ok(value))
        except (KeyError, TypeError, ValueError):
            value, ok = None, None
        rows.append({"key": flag.key, "meaning": flag.meaning, "target": flag.target, "value": value, "ok": ok})
    return rows
