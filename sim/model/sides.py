"""Bilateral names and mirroring: a model file writes the right side; the left is its mirror image.

Right-side names end in ``_r`` (bodies, joints, coordinates, muscles, spheres) or start with
``R.`` (markers); the mirror swaps the side and negates the lateral (z) coordinate.
"""

from __future__ import annotations


def is_bilateral_body(name: str) -> bool:
    return name.endswith("_r")


def side_free(name: str) -> str:
    return name[:-2] if name.endswith(("_r", "_l")) else name


def mirror_name(name: str) -> str:
    return name[:-2] + "_l" if name.endswith("_r") else name


def sided(body: str, side: str) -> str:
    return body[:-2] + "_" + side if body.endswith("_r") else body


def mirror_vec(v: list[float]) -> list[float]:
    return [v[0], v[1], -v[2]]
