"""The gallery of the default visuals, for reviewers: ``python -m sim.apps.gallery HEALTHY OTHER
[--out docs/gallery] [--frame docs/animation_frame.png]``.

Renders, from two run folders, what an educator gets from the default commands: a frame of the
side-by-side animation at equal gait phase, the filmstrip, the gait plots with the "what changed"
figure, and writes how long each took (``timings.json``); with ``--frame``, also a mid-stance
frame of the healthy run's own animation (the README's picture).
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from PIL import Image

from sim.io.atomic import atomic_file, write_json

PLOTS = ("joint_angles.png", "joint_powers.png", "grf.png", "activations.png", "what_changed.png")


def render(healthy: Path, other: Path, out: Path, labels: tuple[str, str] = ("healthy", "tight hip flexors")) -> dict:
    """Write the gallery images into ``out``; return the render time of each (s)."""
    from sim.figures.filmstrip import filmstrip
    from sim.figures.gait_plots import plot_runs

    out.mkdir(parents=True, exist_ok=True)
    timings = {}
    t0 = time.perf_counter()
    save_frame([healthy, other], out / "animation_side_by_side.png", list(labels),  # late stance
               ["gluteus maximus", "hamstrings_r", "calf muscles", "iliopsoas"], cycle_fraction=0.30)
    timings["animation frame"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    filmstrip([healthy, other], out / "filmstrip", labels=list(labels), highlight=["calf muscles", "gluteus maximus"])
    (out / "filmstrip.pdf").unlink(missing_ok=True)  # the PNG is what a reviewer looks at; the PDF is for print
    timings["filmstrip"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    staging = out / ".plots"
    for path in plot_runs([healthy, other], staging, labels=list(labels)):
        if path.name in PLOTS:
            shutil.move(path, out / path.name)
    shutil.rmtree(staging, ignore_errors=True)
    timings["gait plots"] = time.perf_counter() - t0
    write_json(out / "timings.json", {k: round(v, 2) for k, v in timings.items()})
    return timings


def save_frame(runs: list[Path], out: Path, labels: list[str], highlight: list[str], cycle_fraction: float) -> Path:
    """A PNG frame of the runs' animation at ``cycle_fraction`` of the first gait cycle."""
    from sim.figures.animation import Animation

    anim = Animation(runs, fps=30, strides=2, slowmo=2, labels=labels, highlight=highlight)
    try:
        frame = anim.frame(int(cycle_fraction * anim.n_frames / 2))
        with atomic_file(out) as tmp:
            Image.fromarray(frame).save(tmp, format="PNG", optimize=True)
    finally:
        anim.close()
    return out


def single_frame(run: Path, out: Path, label: str = "healthy baseline") -> Path:
    """The README's picture: one run's animation at mid-stance of its first gait cycle."""
    return save_frame([run], out, [label], ["glut_max_r", "vasti_r", "gastroc_r", "soleus_r"], cycle_fraction=0.146)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("healthy", type=Path)
    parser.add_argument("other", type=Path)
    parser.add_argument("--out", type=Path, default=Path("docs/gallery"))
    parser.add_argument("--frame", type=Path, help="also write a mid-stance frame of the healthy run here")
    args = parser.parse_args()
    for name, seconds in render(args.healthy, args.other, args.out).items():
        print(f"{name}: {seconds:.1f} s")
    if args.frame:
        print(f"wrote {single_frame(args.healthy, args.frame)}")


if __name__ == "__main__":
    main()
