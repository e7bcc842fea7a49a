"""How the heel takes load at touchdown, measured and simulated, read the same way from the heel marker.

``python -m sim.apps.touchdown [RUN] [--dissipation C]`` prints, for the right heel marker (``R.Heel``, on the heel
counter of the shoe), its speed over the ground and its vertical speed at the moments the right
foot's vertical force first reaches 0.25, 0.5 and 1.0 body weights: over every right foot strike
of the measured runner (Hamner subject, treadmill at 3.9 m/s; the belt's speed is taken from the
midfoot marker in mid-stance), and, with ``RUN``, in that run folder's stride. It is the evidence
against which the no-skid limit of the stride problem (docs/stride.md, 'Ground contact') is
judged: the marker is 6 cm above the sole, so it also moves with the foot's rotation (a few tenths
of a m/s as the forefoot comes down), not only with sliding. It also prints how much of an
impact's energy the heel sphere's contact absorbs (``--dissipation C`` adds other values).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.data import RAW_GRF_FILE, RAW_SUBJECT_DIR
from sim.data.measured import STRIKE_THRESHOLD, SUBJECT_MASS, foot_strikes

#: vertical force levels (body weights) at which the heel's speeds are read
LOAD_LEVELS = (0.25, 0.5, 1.0)
HEEL_MARKER = "R.Heel"
#: marker that rests on the belt in mid-stance (its forward speed there is the belt's)
MIDFOOT_MARKER = "R.Midfoot.Sup"


@dataclass(frozen=True)
class Touchdown:
    """Heel-marker speeds (m/s; forward speed over the ground, vertical speed, + up) at LOAD_LEVELS,
    one row per foot strike."""

    forward: np.ndarray  # strikes x levels
    vertical: np.ndarray  # strikes x levels
    ground_speed: float  # belt speed (treadmill) or 0 (overground)

    @property
    def n_strikes(self) -> int:
        return self.forward.shape[0]


def _at_loads(load: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` at the first crossing of each LOAD_LEVELS value by the rising ``load`` (NaN if never)."""
    out = np.full(len(LOAD_LEVELS), np.nan)
    for j, level in enumerate(LOAD_LEVELS):
        above = np.flatnonzero(load >= level)
        if len(above) == 0 or above[0] == 0:
            continue
        i = above[0]
        frac = (level - load[i - 1]) / (load[i] - load[i - 1])
        out[j] = values[i - 1] + frac * (values[i] - values[i - 1])
    return out


def measured_touchdown(subject_dir: Path = RAW_SUBJECT_DIR, grf_file: Path = RAW_GRF_FILE) -> Touchdown:
    """The measured runner's right strikes: heel-marker speeds over the belt as load builds."""
    from sim.io.storage import read_storage
    from sim.model.trc import read_trc

    trial = read_trc(subject_dir / "subject02_running.trc")
    names, grf, _ = read_storage(grf_file)
    grf_time, vertical = grf[:, 0], grf[:, names.index("ground_force_vy")] / (SUBJECT_MASS * 9.80665)
    strikes = foot_strikes(grf_file)
    velocity = {m: np.gradient(trial.marker(m), trial.time, axis=0) for m in (HEEL_MARKER, MIDFOOT_MARKER)}
    belt, windows = [], []
    for t0 in strikes["r"]:
        later = strikes["r_off"][strikes["r_off"] > t0]
        if len(later) == 0 or t0 < trial.time[0] or later[0] > trial.time[-1]:
            continue
        t1 = later[0]
        windows.append((t0, t1))
        mid = (trial.time > t0 + 0.3 * (t1 - t0)) & (trial.time < t1 - 0.3 * (t1 - t0))
        belt.append(float(velocity[MIDFOOT_MARKER][mid, 0].mean()))
    ground = float(np.mean(belt))  # the belt moves backwards: negative
    forward, up = [], []
    for t0, t1 in windows:
        # from 40 ms before the strike (two or three 60 Hz samples) to mid-stance, on the GRF's samples
        rows = (grf_time >= t0 - 0.04) & (grf_time <= 0.5 * (t0 + t1))
        t, load = grf_time[rows], vertical[rows]
        heel = velocity[HEEL_MARKER]
        vx = np.interp(t, trial.time, heel[:, 0]) - ground
        vy = np.interp(t, trial.time, heel[:, 1])
        forward.append(_at_loads(load, vx))
        up.append(_at_loads(load, vy))
    return Touchdown(np.array(forward), np.array(up), -ground)


def simulated_touchdown(run_dir: str | Path) -> Touchdown:
    """The same reading of a run folder's stride (its right strike; the floor does not move)."""
    from sim.model.geometry import FLOAT_OPS, body_poses
    from sim.results.runfolder import RunFolder

    run = RunFolder(run_dir)
    spec = run.spec()
    stride = run.full_stride()
    marker = next(m for m in spec.markers_expanded() if m.name == HEEL_MARKER)
    position = np.array([body_poses(spec, dict(zip(stride.coordinates, q, strict=True)))[marker.body]
                         .point(marker.location, FLOAT_OPS)[:2] for q in stride.q])
    velocity = np.gradient(position, stride.time, axis=0)
    load = stride.grf["r"][:, 1] / stride.body_weight
    # the full stride starts at the right strike and its last row closes the cycle: read from the
    # node before the strike (the last but one) through the first half (stance and flight)
    rows = np.r_[len(stride.time) - 2, 0:max(3, len(stride.time) // 2)]
    return Touchdown(_at_loads(load[rows], velocity[rows, 0])[None, :],
                     _at_loads(load[rows], velocity[rows, 1])[None, :], 0.0)


def impact_energy_loss(contact, radius: float, impact_speed: float, mass: float = 20.0) -> float:
    """Fraction of the kinetic energy a free mass loses bouncing once on a contact sphere (no
    gravity, explicit steps of 2 microseconds): the contact's hysteresis, to set beside the heel
    pad's (about 30 % under cyclic loading, Bennett & Ker 1990; 33-48 % in single impacts, Ker 1996;
    79 % in a 5 kg heel drop, Kinoshita et al. 1993)."""
    import casadi as ca

    from sim.cas.contact import sphere_force

    height, speed = ca.SX.sym("height"), ca.SX.sym("speed")
    force = ca.Function("normal", [height, speed],
                        [sphere_force(ca.vertcat(0.0, height), ca.vertcat(0.0, speed), 0.0, radius, contact)[0][1]])
    y, v, step = radius + 1e-4, -impact_speed, 2e-6
    for _ in range(250_000):  # 0.5 s: far longer than any bounce
        v += float(force(y, v)) / mass * step
        y += v * step
        if y > radius + 1e-4 and v > 0:
            return 1.0 - (v / impact_speed) ** 2
    return 1.0  # the mass never left the contact


def _rows(label: str, touchdown: Touchdown) -> list[str]:
    lines = []
    for j, level in enumerate(LOAD_LEVELS):
        f, v = touchdown.forward[:, j], touchdown.vertical[:, j]
        if touchdown.n_strikes > 1:
            lines.append(f"{label:10s} at {level:4.2f} BW: forward {np.nanmean(f):5.2f} m/s "
                         f"({np.nanmin(f):.2f} to {np.nanmax(f):.2f}), vertical {np.nanmean(v):5.2f} m/s "
                         f"({np.nanmin(v):.2f} to {np.nanmax(v):.2f})")
        else:
            lines.append(f"{label:10s} at {level:4.2f} BW: forward {f[0]:5.2f} m/s, vertical {v[0]:5.2f} m/s")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, nargs="?", help="a run folder to read the same way")
    parser.add_argument("--dissipation", type=float, action="append", metavar="C",
                        help="also print the energy a heel-sphere impact loses with this Hunt-Crossley "
                             "dissipation (s/m; repeatable)")
    args = parser.parse_args()
    measured = measured_touchdown()
    print(f"heel marker {HEEL_MARKER} as the right foot takes load (strike: vertical force above "
          f"{STRIKE_THRESHOLD:.0f} N)")
    print(f"measured runner: {measured.n_strikes} strikes, treadmill belt {measured.ground_speed:.2f} m/s")
    print("\n".join(_rows("measured", measured)))
    if args.run is not None:
        print("\n".join(_rows("simulated", simulated_touchdown(args.run))))
    from sim.model.spec import load_spec

    spec = load_spec()
    heel = max(spec.contact_spheres, key=lambda sphere: sphere.radius)
    for dissipation in [spec.contact.dissipation, *(args.dissipation or [])]:
        contact = spec.contact.model_copy(update={"dissipation": dissipation})
        losses = ", ".join(f"{100 * impact_energy_loss(contact, heel.radius, v):.0f} % at {v} m/s"
                           for v in (0.5, 1.0, 1.5))
        print(f"a heel-sphere impact, dissipation {dissipation} s/m, loses {losses}")


if __name__ == "__main__":
    main()
