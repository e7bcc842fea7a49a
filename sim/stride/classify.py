"""Classify a solved stride from its vertical ground reaction forces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: vertical force (N) above which a foot counts as in contact (classification, metrics, figures)
CONTACT_THRESHOLD = 20.0
#: a reserve whose peak exceeds this fraction of its joint's peak net moment carries the stride
#: (OpenSim's guideline for muscle-driven simulations: peak reserve torques below 10 % of the peak
#: joint torques; OpenSim documentation, 'Simulation with OpenSim: best practices')
RESERVE_LIMIT_FRACTION = 0.1
#: the rules that make a converged stride a result, recorded with every sweep point: a resumed
#: sweep judges again the points judged by other rules (:func:`sim.sweep.rejudge.rejudge_point`)
RESULT_RULES = {"contact_threshold_N": CONTACT_THRESHOLD, "reserve_limit_fraction": RESERVE_LIMIT_FRACTION}


@dataclass
class GaitClass:
    """Gait label and the timing metrics it is based on (fractions of the stride)."""

    label: str  # running | walking | hopping | skipping | reserve-driven | failed
    flight_fraction: float
    double_support_fraction: float
    duty_factor: float  # right-foot contact time / stride time
    stances_per_foot: tuple[int, int]
    peak_vertical_grf_bw: float


def _stance_count(contact: np.ndarray) -> int:
    """Number of contact intervals in a periodic boolean sequence."""
    if contact.all():
        return 1
    return int(np.sum(contact & ~np.roll(contact, 1)))


def counts_as_result(solution, label: str) -> bool:
    """Only a converged running stride is a result."""
    return bool(solution.report.converged and label == "running")


def peak_reserve_fraction(model, trajectory) -> float:
    """Largest ratio, over the joints, of a reserve's peak to the joint's peak net moment
    (muscles + passive moments + reserve: what inverse dynamics with the contact forces needs)."""
    from sim.model.spec import COORDINATES

    if trajectory.reserves is None or trajectory.muscle_force is None:
        return 0.0
    joints = [COORDINATES.index(c) for c in trajectory.reserve_coordinates]
    net = np.abs(trajectory.joint_moments(model)["total"][:, joints] + trajectory.reserves)
    return float(np.max(np.abs(trajectory.reserves).max(axis=0) / np.maximum(net.max(axis=0), 1e-9)))


def classify(solution, threshold: float = CONTACT_THRESHOLD, model=None) -> GaitClass:
    """Running: flight phases and alternating single stance; walking: double support, no flight.

    ``solution``: a :class:`sim.stride.solve.Solution` (its trajectory and whether it converged).
    With ``model`` (the problem's CasadiModel) a converged stride whose reserves carry more than
    :data:`RESERVE_LIMIT_FRACTION` of a joint's peak moment is ``reserve-driven``: the muscles do
    not make that motion, so it is no result whatever its contact pattern.
    """
    trajectory = solution.trajectory
    _, right, left = trajectory.full_stride_grf()
    # drop the last node (it repeats the first of the next stride)
    right, left = right[:-1], left[:-1]
    on_r, on_l = right > threshold, left > threshold
    flight = float(np.mean(~on_r & ~on_l))
    double = float(np.mean(on_r & on_l))
    stances = (_stance_count(on_r), _stance_count(on_l))
    peak = float(max(right.max(), left.max()) / trajectory.body_weight)
    if not solution.report.converged or not (on_r.any() and on_l.any()):
        label = "failed"
    elif model is not None and peak_reserve_fraction(model, trajectory) > RESERVE_LIMIT_FRACTION:
        label = "reserve-driven"
    elif double > 0.5 * min(on_r.mean(), on_l.mean()) and flight > 0:
        label = "hopping"
    elif stances != (1, 1):
        label = "skipping"
    elif flight > 0 and double == 0:
        label = "running"
    elif double > 0 and flight == 0:
        label = "walking"
    else:
        label = "skipping"
    return GaitClass(label, flight, double, float(on_r.mean()), stances, peak)
