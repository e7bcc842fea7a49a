"""Video files: the output path checked before rendering, frames encoded to mp4 (ffmpeg from the
imageio-ffmpeg wheel) or GIF (Pillow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.figures.inputs import VisualsError, ensure_output_folder
from sim.io.atomic import atomic_file

FORMATS = (".mp4", ".gif")


def check_output(out_path: str | Path, size: tuple[int, int]):
    """Validate the output path (extension, folder, writability, encoder); return (path, writer)."""
    out_path = Path(out_path)
    suffix = out_path.suffix.lower()
    if suffix not in FORMATS:
        raise VisualsError(f"unknown output extension '{out_path.suffix or '(none)'}' for {out_path}; "
                           f"use {' or '.join(FORMATS)}")
    if out_path.is_dir():
        raise VisualsError(f"output path {out_path} is a folder; give a file name ending in {suffix}")
    ensure_output_folder(out_path.parent, out_path)
    try:  # a real probe (permissions, read-only file systems, also for root)
        with atomic_file(out_path.with_name(".probe" + out_path.suffix)):
            raise _Probed
    except _Probed:
        pass
    except OSError as exc:
        raise VisualsError(f"cannot write {out_path}: {exc.strerror or exc}") from None
    if suffix == ".mp4":
        if size[0] % 2 or size[1] % 2:
            raise VisualsError(f"mp4 (H.264) needs an even width and height, got {size[0]}x{size[1]}")
        try:
            import imageio_ffmpeg

            imageio_ffmpeg.get_ffmpeg_exe()
        except Exception as exc:
            raise VisualsError(f"mp4 output needs ffmpeg: pip install imageio-ffmpeg (or write a .gif) ({exc})") from None
        return out_path, _write_mp4
    try:
        import PIL  # noqa: F401
    except ImportError:
        raise VisualsError("GIF output needs Pillow: pip install pillow") from None
    return out_path, _write_gif


class _Probed(Exception):
    """The output folder took a temporary file (the probe's way out of :func:`atomic_file`)."""


def _write_mp4(path: Path, animation) -> None:
    import imageio_ffmpeg

    width, height = animation.size
    writer = imageio_ffmpeg.write_frames(str(path), (width, height), fps=animation.fps, codec="libx264",
                                         pix_fmt_in="rgb24", pix_fmt_out="yuv420p", quality=7, macro_block_size=1,
                                         ffmpeg_log_level="error", output_params=["-movflags", "+faststart"])
    writer.send(None)
    try:
        for k in range(animation.n_frames):
            writer.send(np.ascontiguousarray(animation.frame(k)))
    finally:
        writer.close()


def _write_gif(path: Path, animation) -> None:
    from PIL import Image

    frames = [Image.fromarray(animation.frame(k)).quantize(colors=255, method=Image.Quantize.MEDIANCUT)
              for k in range(animation.n_frames)]
    frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:], loop=0,
                   duration=max(20, int(round(1000.0 / animation.fps))), disposal=1, optimize=False)
