"""Where everything the animation draws is, frame by frame: segments, head, contact spheres,
muscle paths, ground reaction forces, from a run's full stride (strides repeat end to end)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.figures.inputs import DrawnRun
from sim.model.geometry import Ops, body_poses, tree_order

NP_OPS = Ops(np.sin, np.cos, np.sqrt)


@dataclass
class BodyGeometry:
    """Ground coordinates of everything drawn, for every frame (arrays are frames x ...)."""

    segments: dict[str, np.ndarray]  # name -> frames x points x 2
    head: np.ndarray  # frames x 2
    head_radius: float
    spheres: list[tuple[str, float, np.ndarray]]  # (side, radius, frames x 2)
    muscles: np.ndarray  # object array: per muscle frames x points x 2
    activation: np.ndarray  # frames x muscles
    grf: dict[str, np.ndarray]  # side -> frames x 2 (N)
    cop: dict[str, np.ndarray]  # side -> frames x 2 (m)
    pelvis: np.ndarray  # frames x 2 (pelvis_tx, pelvis_ty)
    joints: np.ndarray  # frames x joints x 2
    phase: np.ndarray  # frames: fraction of the gait cycle
    stride: np.ndarray  # frames: index of the stride being played


def sample(run: DrawnRun, t: np.ndarray) -> tuple[dict[str, np.ndarray], dict, dict, np.ndarray, np.ndarray, np.ndarray]:
    """Coordinates, GRF, COP and activations of ``run`` at simulated times ``t`` (strides repeat)."""
    period, length = run.stride.stride_time, run.stride.stride_length
    stride = np.floor(t / period + 1e-9).astype(int)
    local = np.clip(t - stride * period, 0.0, period) + run.stride.time[0]
    q = {c: np.interp(local, run.stride.time, v) for c, v in zip(run.stride.coordinates, run.stride.q.T, strict=True)}
    q["pelvis_tx"] = q["pelvis_tx"] + stride * length
    grf = {s: np.column_stack([np.interp(local, run.stride.time, run.stride.grf[s][:, i]) for i in (0, 1)]) for s in "rl"}
    cop = {s: np.column_stack([np.interp(local, run.stride.time, run.stride.cop[s][:, i]) for i in (0, 1)]) for s in "rl"}
    for s in "rl":
        cop[s][:, 0] += stride * length
    act = np.column_stack([np.interp(local, run.stride.time, column) for column in run.stride.activation.T])
    return q, grf, cop, act, (local - run.stride.time[0]) / period, stride


#: silhouette widths (m, for a 1.8 m runner) at the proximal and distal joint of each limb segment
LIMB_WIDTHS = {"femur": (0.15, 0.10), "tibia": (0.10, 0.065)}
#: the arms' drawn pose in the torso frame (m, for a 1.8 m runner): shoulder -> elbow, elbow -> hand
ARM_POSE = {"r": ((-0.06, -0.27), (0.23, 0.06)), "l": ((0.05, -0.27), (0.20, 0.13))}


def outline(a: np.ndarray, b: np.ndarray, width_a: float, width_b: float) -> np.ndarray:
    """A tapered segment from ``a`` to ``b`` (frames x 2 each) as frames x 6 x 2 polygon points."""
    axis = b - a
    length = np.maximum(np.linalg.norm(axis, axis=1, keepdims=True), 1e-9)
    unit = axis / length
    normal = np.column_stack([-unit[:, 1], unit[:, 0]])
    ha, hb = 0.5 * width_a, 0.5 * width_b
    return np.stack([a + normal * ha, b + normal * hb, b + unit * hb * 0.6, b - normal * hb, a - normal * ha,
                     a - unit * ha * 0.6], axis=1)


def foot_outline(spec, side: str) -> list[list[float]]:
    """Outline of the foot in the calcaneus frame, from its contact spheres and the ankle joint."""
    spheres = [s for s in spec.contact_spheres_expanded() if s.body == f"calcn_{side}"]
    ankle = next((j.location_in_child for j in spec.joints_expanded() if j.child == f"calcn_{side}"), [0.05, 0.04, 0])
    if len(spheres) < 2:
        return [[0.0, 0.0], [0.0, 0.06], [0.12, 0.05], [0.22, 0.0]]
    heel = min(spheres, key=lambda s: s.location[0])
    toe = max(spheres, key=lambda s: s.location[0])
    (hx, hy), rh = heel.location[:2], heel.radius
    (tx, ty), rt = toe.location[:2], toe.radius
    ax_, ay = ankle[:2]
    return [[hx - rh, hy + 0.2 * rh], [hx - 0.5 * rh, hy - 0.85 * rh], [tx - 0.03, ty - rt], [tx + rt, ty],
            [tx - 0.03, ty + 0.03], [ax_ + 0.04, ay + 0.0], [ax_ - 0.01, ay + 0.035], [hx - 0.9 * rh, hy + 0.6 * rh]]


def body_geometry(run: DrawnRun, t: np.ndarray) -> BodyGeometry:
    spec = run.spec
    q, grf, cop, act, phase, stride = sample(run, t)
    poses = body_poses(spec, q, NP_OPS)

    def at(body: str, local) -> np.ndarray:
        x, y, _ = poses[body].point([local[0], local[1], 0.0], NP_OPS)
        return np.column_stack([np.broadcast_to(x, t.shape), np.broadcast_to(y, t.shape)])

    joints = tree_order(spec.joints_expanded())
    centre = {j.child: at(j.parent, j.location_in_parent) for j in joints}  # joint centre of each child body
    children: dict[str, list[str]] = {}
    for j in joints:
        children.setdefault(j.parent, []).append(j.child)
    segments: dict[str, np.ndarray] = {}
    for j in joints:
        body = j.child
        if body.startswith(("femur", "tibia")) and children.get(body):
            segments[body] = np.stack([centre[body], centre[children[body][0]]], axis=1)
    for side in "rl":
        if f"calcn_{side}" in poses:
            segments[f"foot_{side}"] = np.stack([at(f"calcn_{side}", p) for p in foot_outline(spec, side)], axis=1)
    hips = [centre[c] for c in children.get("pelvis", []) if c != "torso"]
    back = centre.get("torso", at("pelvis", [-0.1, 0.08]))
    hip = hips[0] if hips else at("pelvis", [-0.07, -0.07])
    # pelvis: a wedge from the sacrum over the lumbar joint to the front of the pelvis and the hip
    segments["pelvis"] = np.stack([back, at("pelvis", [0.03, 0.03]), at("pelvis", [0.01, -0.05]), hip,
                                   at("pelvis", [-0.14, -0.03])], axis=1)
    torso = next((b for b in spec.bodies_expanded() if b.name == "torso"), None)
    com = torso.com if torso is not None else [-0.03, 0.24, 0]
    neck_height = 2.25 * com[1]
    s = spec.height / 1.8  # widths of the silhouette scale with the runner
    for body, (near_width, far_width) in LIMB_WIDTHS.items():
        for side in "rl":
            name = f"{body}_{side}"
            if name in segments:
                ends = segments[name]
                segments[name] = outline(ends[:, 0], ends[:, 1], near_width * s, far_width * s)
    neck = at("torso", [com[0], neck_height])
    segments["trunk"] = outline(back, neck, 0.19 * s, 0.25 * s)
    head_radius = 0.42 * com[1]
    head = at("torso", [com[0] + 0.03, neck_height + head_radius * 1.05])
    segments["neck"] = outline(neck, head, 0.075 * s, 0.06 * s)
    # the arms: a fixed running pose relative to the trunk (the model lumps the arms into the torso)
    shoulder = [com[0], neck_height - 0.06 * s]
    for side, (upper, fore) in ARM_POSE.items():
        elbow = [shoulder[0] + upper[0] * s, shoulder[1] + upper[1] * s]
        hand = [elbow[0] + fore[0] * s, elbow[1] + fore[1] * s]
        segments[f"upperarm_{side}"] = outline(at("torso", shoulder), at("torso", elbow), 0.085 * s, 0.065 * s)
        segments[f"forearm_{side}"] = outline(at("torso", elbow), at("torso", hand), 0.06 * s, 0.045 * s)
    spheres = [(s.name[-1], s.radius, at(s.body, s.location)) for s in spec.contact_spheres_expanded()]
    muscles = np.empty(len(run.stride.muscles), dtype=object)
    for i, m in enumerate(spec.muscles_expanded()):
        muscles[i] = np.stack([at(p.body, p.location) for p in m.path], axis=1)
    joint_points = np.stack(list(centre.values()), axis=1)
    return BodyGeometry(segments=segments, head=head, head_radius=head_radius, spheres=spheres, muscles=muscles,
                     activation=act, grf=grf, cop=cop, pelvis=np.column_stack([q["pelvis_tx"], q["pelvis_ty"]]),
                     joints=joint_points, phase=phase, stride=stride)
