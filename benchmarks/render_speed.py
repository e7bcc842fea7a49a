"""Speed of the animation: a 2-second 30 fps mp4 (720p) of the baseline run.

Run: python benchmarks/render_speed.py [RUN_DIR] [--repeats 3]
(RUN_DIR default: runs/baseline; make it with ``stridesim run``.) Measures the whole
``animate()`` call (reading the run, laying out, drawing every frame, H.264 encoding through
imageio-ffmpeg) and, separately, the drawing alone per frame. Target (2-core machine): <= 20 s
for the whole video. Writes benchmarks/results/render_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import matplotlib

from sim.figures.animation import Animation, animate

TARGET_S = 20.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir", nargs="?", default="runs/baseline", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    args = parser.parse_args()
    fps, duration, size = 30, 2.0, (args.width, args.height)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "baseline.mp4"
        for _ in range(args.repeats):
            start = time.perf_counter()
            animate(args.run_dir, out, fps=fps, duration=duration, size=size, highlight=["glut_max_r"])
            times.append(time.perf_counter() - start)
        mp4_bytes = out.stat().st_size
    anim = Animation(args.run_dir, fps=fps, duration=duration, size=size)
    anim.build()
    start = time.perf_counter()
    for k in range(anim.n_frames):
        anim.frame(k)
    per_frame = (time.perf_counter() - start) / anim.n_frames
    anim.close()
    result = {
        "run": str(args.run_dir), "video_s": duration, "fps": fps, "frames": anim.n_frames, "size": list(size),
        "total_s": [round(t, 2) for t in times], "best_total_s": round(min(times), 2), "target_s": TARGET_S,
        "meets_target": min(times) <= TARGET_S, "draw_ms_per_frame": round(1000 * per_frame, 1),
        "mp4_bytes": mp4_bytes, "cpu_count": os.cpu_count(), "python": platform.python_version(),
        "matplotlib": matplotlib.__version__, "machine": platform.machine(),
    }
    print(f"2 s mp4 at {fps} fps, {size[0]}x{size[1]} ({anim.n_frames} frames): best {min(times):.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in times)}), drawing {1000 * per_frame:.1f} ms/frame, "
          f"{mp4_bytes / 1e3:.0f} kB; target <= {TARGET_S:.0f} s: {'met' if result['meets_target'] else 'MISSED'}")
    out_json = Path(__file__).resolve().parent / "results" / "render_speed.json"
    out_json.parent.mkdir(exist_ok=True)
    out_json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out_json}")


if __name__ == "__main__":
    main()
