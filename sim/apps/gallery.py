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
    from sim.figures.animation import Animation
    from sim.figures.filmstrip import filmstrip
    from sim.figures.gait_plots import plot_runs

    out.mkdir(parents=True, exist_ok=True)
    timings = {}
    t0 = time.perf_counter()
    anim = Animation([healthy, other], fps=30, strides=2, slowmo=2, labels=list(labels),
                     highlight=["gluteus maximus", "hamstrings_r", "calf muscles", "iliopsoas"])
    try:
        frame = anim.frame(int(0.30 * anim.n_frames / 2))  # late stance of the first stride
        with atomic_file(out / "animation_side_by_side.png") as tmp:
            Image.fromarray(frame).save(tmp, format="PNG", optimize=True)
    finally:
        anim.close()
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


def single_frame(run: Path, out: Path, label: str = "healthy baseline", cycle_fraction: float = 0.146) -> Path:
    """A frame of one run's animation at ``cycle_fraction`` of its first gait cycle (mid-stance)."""
    from sim.figures.animation import Animation

    anim = Animation([run], fps=30, strides=2, slowmo=2, labels=[label],
                     highlight=["glut_max_r", "vasti_r", "gastroc_r", "soleus_r"])
    try:
        frame = anim.frame(int(cycle_fraction * anim.n_frames / 2))
        with atomic_file(out) as tmp:
            Image.fromarray(frame).save(tmp, format="PNG", optimize=True)
    finally:
        anim.close()
    return out


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
