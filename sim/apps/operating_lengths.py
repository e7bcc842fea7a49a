"""Plantar-flexor fibre operating lengths when the model tracks the measured running stride.

A check of the compliant-tendon calibration (:mod:`sim.calibration.rules`), never a result: a
tracking term makes the model follow the embedded measured stride's angles (half stride, the
measured stride time, 3.5 m/s) while it minimizes effort; the soleus and gastrocnemius fibre
lengths at peak activation and at peak force are then compared with in-vivo running
(Rubenson et al. 2012, J Exp Biol 215:3539: soleus 0.65-0.99 L0, 0.88 L0 at peak activation).

``python -m sim.apps.operating_lengths`` prints them (about 20 s).
"""

from __future__ import annotations

import numpy as np

from sim.model.spec import ModelSpec, load_spec
from sim.stride.guess import data_guess
from sim.stride.problem import DEFAULT_MAX_LOADED_SLIP, StrideProblem

#: tracking weight on the squared angle error (rad^2, mean over nodes); 10 makes tracking dominate
TRACKING_WEIGHT = 10.0


def tracked_solution(spec: ModelSpec, n_intervals: int = 50, speed: float = 3.5,
                     max_loaded_slip: float | None = DEFAULT_MAX_LOADED_SLIP, max_iter: int = 1000):
    """(problem, solution) of the model following the measured stride's angles at its stride time."""
    guess = data_guess(spec, n_intervals + 1, speed=speed)
    problem = StrideProblem(spec, n_intervals=n_intervals, tracking=(guess.q, TRACKING_WEIGHT),
                            fixed_duration=guess.duration, max_loaded_slip=max_loaded_slip)  # the measured cadence
    return problem, problem.solve(speed, guess=guess, print_level=0, max_iter=max_iter)


def tracked_operating_lengths(spec: ModelSpec | None = None, n_intervals: int = 50, speed: float = 3.5,
                              muscles: tuple[str, ...] = ("soleus_r", "gastroc_r")) -> dict:
    """Normalized fibre length of ``muscles`` at peak activation and at peak force in the tracked stride."""
    problem, solution = tracked_solution(spec or load_spec(), n_intervals, speed)
    if not solution.report.converged:
        raise RuntimeError(f"the tracking solve did not converge ({solution.report.status})")
    stride = solution.trajectory.full_stride(problem.model)
    out = {}
    for name in muscles:
        i = stride.muscles.index(name)
        at_activation = int(np.argmax(stride.activation[:, i]))
        at_force = int(np.argmax(stride.muscle_force[:, i]))
        out[name] = {"at_peak_activation": float(stride.fiber_length_norm[at_activation, i]),
                     "peak_activation": float(stride.activation[at_activation, i]),
                     "at_peak_force": float(stride.fiber_length_norm[at_force, i]),
                     "range": (float(stride.fiber_length_norm[:, i].min()),
                               float(stride.fiber_length_norm[:, i].max()))}
    from sim.results.metrics import compute_metrics

    metrics = compute_metrics(stride)
    return {"status": solution.report.status, "muscles": out,
            "contact": {k: metrics[k] for k in ("duty_factor", "peak_vertical_grf_bw")}}


if __name__ == "__main__":
    result = tracked_operating_lengths()
    print(f"tracking the measured stride: {result['status']}")
    for name, v in result["muscles"].items():
        print(f"{name:10s} fibre at peak activation {v['at_peak_activation']:.2f} L0 (a = {v['peak_activation']:.2f}), "
              f"at peak force {v['at_peak_force']:.2f} L0, range {v['range'][0]:.2f}-{v['range'][1]:.2f} L0")
    print("in-vivo soleus in running (Rubenson et al. 2012): 0.65-0.99 L0, 0.88 L0 at peak activation")
    contact = result["contact"]
    print(f"tracked contact: duty factor {contact['duty_factor']:.2f}, peak vertical GRF "
          f"{contact['peak_vertical_grf_bw']:.2f} BW (measured 0.36 and 2.3 BW)")
