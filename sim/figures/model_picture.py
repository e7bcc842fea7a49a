"""A sagittal picture of the model: segments, joint centres, contact spheres and muscle paths."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from sim.io.atomic import atomic_file
from sim.model.geometry import FLOAT_OPS, body_poses, default_pose, tree_order
from sim.model.spec import ModelSpec

GROUP_COLOURS = {
    "hip_extensor": "#b2182b", "hip_extensor_knee_flexor": "#d6604d", "knee_flexor": "#f4a582",
    "hip_flexor": "#2166ac", "hip_flexor_knee_extensor": "#4393c3", "knee_extensor": "#92c5de",
    "ankle_plantarflexor": "#1b7837", "ankle_plantarflexor_knee_flexor": "#5aae61",
    "ankle_dorsiflexor": "#9970ab", "lumbar_extensor": "#8c510a", "lumbar_flexor": "#dfc27d",
}


def draw_model(spec: ModelSpec, path: str | Path, q: dict[str, float] | None = None,
               side: str = "r") -> Path:
    """Save a PNG of the model in pose ``q`` (default: standing) with one leg's muscles."""
    q = q or default_pose(spec)
    poses = body_poses(spec, q)
    fig, ax = plt.subplots(figsize=(5.5, 8.5), dpi=120)
    for joint in tree_order(spec.joints_expanded()):
        parent, child = poses[joint.parent], poses[joint.child]
        a = parent.point([0, 0, 0], FLOAT_OPS) if joint.parent != "pelvis" else parent.point(
            joint.location_in_parent, FLOAT_OPS)
        b = parent.point(joint.location_in_parent, FLOAT_OPS)
        ax.plot([a[0], b[0]], [a[1], b[1]], color="0.35", lw=6, solid_capstyle="round", zorder=1)
        ax.plot(*b[:2], "o", color="k", ms=5, zorder=3)
        del child
    for side_name in ("r", "l"):
        foot = poses[f"calcn_{side_name}"]
        outline = [foot.point(p, FLOAT_OPS) for p in ([0.0, 0.0, 0], [0.0, 0.06, 0], [0.12, 0.05, 0],
                                                        [0.22, 0.0, 0], [0.0, 0.0, 0])]
        ax.plot([p[0] for p in outline], [p[1] for p in outline], color="0.35", lw=3, zorder=1)
    torso = poses["torso"]
    neck = torso.point([-0.03, 0.55, 0], FLOAT_OPS)
    ax.plot([torso.origin[0], neck[0]], [torso.origin[1], neck[1]], color="0.35", lw=10,
            solid_capstyle="round", zorder=1)
    ax.add_patch(plt.Circle((neck[0] + 0.02, neck[1] + 0.12), 0.1, color="0.6", zorder=1))
    for s in spec.contact_spheres_expanded():
        c = poses[s.body].point(s.location, FLOAT_OPS)
        ax.add_patch(plt.Circle(c[:2], s.radius, fill=False, color="k", lw=1, zorder=2))
    shown = set()
    for m in spec.muscles_expanded():
        if not m.name.endswith("_" + side):
            continue
        pts = [poses[p.body].point(p.location, FLOAT_OPS) for p in m.path]
        colour = GROUP_COLOURS.get(m.group, "tab:gray")
        label = m.name[:-2] if m.name[:-2] not in shown else None
        shown.add(m.name[:-2])
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "-", color=colour, lw=2.2, alpha=0.9,
                label=label, zorder=4)
    for mk in spec.markers_expanded():
        if mk.name.startswith("L."):
            continue
        p = poses[mk.body].point(mk.location, FLOAT_OPS)
        ax.plot(p[0], p[1], ".", color="magenta", ms=4, zorder=5)
    ax.axhline(0.0, color="k", lw=1)
    ax.set_aspect("equal")
    ax.set_xlabel("forward (m)")
    ax.set_ylabel("up (m)")
    subject = spec.subject or spec.generic_subject
    ax.set_title(f"{spec.name}: {subject.height:.2f} m, {subject.mass:.1f} kg\n"
                 f"{len(spec.muscles_expanded())} muscles ({side} side drawn), markers in magenta", fontsize=10)
    ax.legend(fontsize=7, loc="upper right", frameon=False, bbox_to_anchor=(1.45, 1.0))
    ax.set_xlim(-0.45, 0.5)
    fig.tight_layout()
    path = Path(path)
    with atomic_file(path) as tmp:
        fig.savefig(tmp, bbox_inches="tight", format="png")
    plt.close(fig)
    return path
