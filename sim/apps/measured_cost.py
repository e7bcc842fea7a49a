"""What the measured running would cost the model, muscle by muscle, beside a run folder's stride.

``python -m sim.apps.measured_cost RUN [--max-loaded-slip V|none] [--max-iter N]`` makes the
model follow the measured runner's angles at his stride time (the tracking solve of
:mod:`sim.apps.operating_lengths`; a diagnostic, never a result) and prints its landing, its
goal values and each muscle's effort (the integral of a^2 over the half stride per metre run)
against the run folder's stride: which muscles a measured-like stride would make work harder.
A tracking solve that does not converge is printed with its status and judged indicative only.
"""

from __future__ import annotations

import argparse

import numpy as np

from sim.model.geometry import COORDINATES


def muscle_effort(trajectory) -> np.ndarray:
    """Per-muscle effort of a half stride: integral of a^2 dt per metre run."""
    distance = trajectory.speed * (trajectory.time[-1] - trajectory.time[0])
    return np.trapezoid(trajectory.activation ** 2, trajectory.time, axis=0) / distance


def landing(trajectory, model) -> dict[str, float]:
    """Duty factor, knee flexion at right-foot contact and the vertical force peak of the full stride."""
    full = trajectory.full_stride(model)
    stance = full.contact("r")
    knee = COORDINATES.index("knee_angle_r")
    contact = int(np.flatnonzero(stance)[0])
    return {"duty_factor": float(stance[:-1].mean()), "knee_at_contact_deg": float(np.degrees(full.q[contact, knee])),
            "peak_vertical_grf_bw": float(full.grf["r"][:, 1].max() / full.body_weight)}


def main() -> None:
    from sim.apps.operating_lengths import tracked_solution
    from sim.results.runfolder import RunFolder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a run folder (its stride is the comparison)")
    parser.add_argument("--max-loaded-slip", default="1.0", help="the no-skid limit (m/s) or 'none'")
    parser.add_argument("--max-iter", type=int, default=1000)
    args = parser.parse_args()
    slip = None if args.max_loaded_slip.lower() == "none" else float(args.max_loaded_slip)
    baseline, spec = RunFolder(args.run).solution()
    problem, solution = tracked_solution(spec, max_loaded_slip=slip, max_iter=args.max_iter)
    report = solution.report
    print(f"tracking the measured stride: {report.status} after {report.iterations} iterations"
          + ("" if report.converged else " (not converged: indicative only)"))
    for name, trajectory in (("run folder", baseline), ("tracked", solution.trajectory)):
        print(f"{name}: " + ", ".join(f"{k} {v:.2f}" for k, v in landing(trajectory, problem.model).items()))
    print("tracked goals: " + ", ".join(f"{k} {v:.4f}" for k, v in report.objective_terms.items()))
    ours, tracked = muscle_effort(baseline), muscle_effort(solution.trajectory)
    print(f"muscle effort (integral of a^2 dt per metre): run folder {ours.sum():.4f}, tracked {tracked.sum():.4f}")
    for i in np.argsort(ours - tracked):
        print(f"  {baseline.muscles[i]:13s} {ours[i]:.4f} -> {tracked[i]:.4f} ({tracked[i] - ours[i]:+.4f})")


if __name__ == "__main__":
    main()
