"""The artists of one run in one axes: the body, muscles coloured by activation, contact spheres,
ground reaction force arrows, labels of highlighted muscles; created once, updated per frame."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.patches import Circle, FancyArrowPatch, Polygon

from sim.figures.body import BodyGeometry
from sim.figures.inputs import DrawnRun
from sim.figures.style import ACTIVATION_CMAP, ACTIVATION_NORM, PELVIS_MARKER_COLOUR, muscle_label

DPI = 100
GRF_SCALE = 0.2  # m of arrow per body weight


def _tint(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` mixed with white (amount 0: unchanged, 1: white)."""
    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


class RunArtists:
    """The artists of one run in one axes, created once and updated per frame."""

    def __init__(self, ax, geo: BodyGeometry, run: DrawnRun, colour: str, highlight: set[str], ppm: float,
                 z0: float = 0.0):
        self.geo, self.run, self.ax = geo, run, ax
        pt = 72.0 / DPI * ppm  # points per metre on screen

        def lw(metres: float) -> float:
            return max(0.6, metres * pt)

        self.patches: dict[str, Polygon] = {}
        # a light body in the condition's colour, so that muscles coloured by activation stand out on it
        near, far = _tint(colour, 0.6), _tint(colour, 0.8)
        for name in geo.segments:
            side = name[-1] if name[-2] == "_" else ""
            arm = name.startswith(("upperarm", "forearm"))
            z = z0 + ({"l": 0.8, "r": 3.6} if arm else {"l": 1.0, "r": 3.0}).get(side, 2.0)
            patch = Polygon(geo.segments[name][0], closed=True, facecolor=far if side == "l" else near,
                            edgecolor=colour, lw=lw(0.005), alpha=0.95, zorder=z, joinstyle="round")
            ax.add_patch(patch)
            self.patches[name] = patch
        self.head = Circle(geo.head[0], geo.head_radius, facecolor=near, edgecolor=colour, lw=lw(0.006),
                           zorder=z0 + 2.0)
        ax.add_patch(self.head)
        self.spheres = []
        for side, radius, centre in geo.spheres:
            c = Circle(centre[0], radius, facecolor="white", edgecolor="0.2", lw=lw(0.004), alpha=0.9,
                       zorder=z0 + (1.2 if side == "l" else 3.2))
            ax.add_patch(c)
            self.spheres.append(c)
        (self.joint_dots,) = ax.plot(*geo.joints[0].T, "o", color="white", mec="0.15", ms=lw(0.022), mew=lw(0.005),
                                     ls="none", zorder=z0 + 4.0)
        names = run.stride.muscles
        self.muscle_index = {"r": [i for i, n in enumerate(names) if not n.endswith("_l")],
                             "l": [i for i, n in enumerate(names) if n.endswith("_l")]}
        self.highlight = [i for i, n in enumerate(names) if n in highlight]
        faded = bool(highlight)
        self.muscles: dict[str, LineCollection] = {}
        for side, z, width in (("l", 1.5, 0.011), ("r", 3.5, 0.016)):
            idx = [i for i in self.muscle_index[side] if i not in self.highlight]
            self.muscle_index[side] = idx
            coll = LineCollection([geo.muscles[i][0] for i in idx], cmap=ACTIVATION_CMAP, norm=ACTIVATION_NORM,
                                  linewidths=lw(width * (0.7 if faded else 1.0)), alpha=0.45 if faded else 1.0,
                                  capstyle="round", zorder=z0 + z)
            coll.set_array(geo.activation[0, idx])
            ax.add_collection(coll)
            self.muscles[side] = coll
        self.highlighted = None
        self.highlight_labels, self.leaders = [], []
        if self.highlight:
            self.highlighted = LineCollection([geo.muscles[i][0] for i in self.highlight], cmap=ACTIVATION_CMAP,
                                              norm=ACTIVATION_NORM, linewidths=lw(0.032), capstyle="round",
                                              zorder=z0 + 4.5)
            self.highlighted.set_array(geo.activation[0, self.highlight])
            ax.add_collection(self.highlighted)
            self.label_size = max(6.0, lw(0.045))
            self.label_spacing = 1.6 * self.label_size / pt  # m between label rows
            for i in self.highlight:
                self.highlight_labels.append(ax.text(0, 0, muscle_label(names[i]), fontsize=self.label_size,
                                                     color="0.1", ha="right", va="center", zorder=z0 + 6.5,
                                                     clip_on=True))
                (leader,) = ax.plot([], [], lw=lw(0.004), color="0.35", zorder=z0 + 6.4)
                self.leaders.append(leader)
        self.arrows = {}
        for side in "rl":
            arrow = FancyArrowPatch((0, 0), (0, 1), arrowstyle="-|>", mutation_scale=lw(0.09), lw=lw(0.014),
                                    color=colour, zorder=z0 + 5.0)
            ax.add_patch(arrow)
            self.arrows[side] = arrow
        (self.pelvis_marker,) = ax.plot(*geo.pelvis[0], "o", color=PELVIS_MARKER_COLOUR, ms=max(5.0, lw(0.03)), mew=0,
                                        zorder=z0 + 6.0)

    def update(self, k: int) -> None:
        geo = self.geo
        for name, patch in self.patches.items():
            patch.set_xy(geo.segments[name][k])
        self.head.set_center(geo.head[k])
        for circle, (_, _, centre) in zip(self.spheres, geo.spheres, strict=True):
            circle.set_center(centre[k])
        self.joint_dots.set_data(geo.joints[k].T)
        for side, coll in self.muscles.items():
            idx = self.muscle_index[side]
            coll.set_segments([geo.muscles[i][k] for i in idx])
            coll.set_array(geo.activation[k, idx])
        if self.highlighted is not None:
            self.highlighted.set_segments([geo.muscles[i][k] for i in self.highlight])
            self.highlighted.set_array(geo.activation[k, self.highlight])
            # the labels are placed by the animation once the camera has moved (place_labels)
        bw = self.run.stride.body_weight
        for side, arrow in self.arrows.items():
            fx, fy = geo.grf[side][k]
            visible = fy > 20.0
            arrow.set_visible(bool(visible))
            if visible:
                x0 = geo.cop[side][k, 0]
                arrow.set_positions((x0, 0.0), (x0 + GRF_SCALE * fx / bw, GRF_SCALE * fy / bw))
        self.pelvis_marker.set_data([geo.pelvis[k, 0]], [geo.pelvis[k, 1]])

    def place_labels(self, k: int, column_x: float, align: str) -> None:
        """Highlighted muscles' names and activations in a column at ``column_x`` (the panel's left
        or right edge: ``align``), one row per muscle ordered by height, never overlapping, each
        with a leader line to its muscle."""
        if not self.highlight:
            return
        geo = self.geo
        middles = {i: geo.muscles[i][k].mean(axis=0) for i in self.highlight}
        order = sorted(self.highlight, key=lambda i: -middles[i][1])
        rows, y = {}, np.inf
        for i in order:
            y = min(middles[i][1], y - self.label_spacing)
            rows[i] = y
        lift = max(0.0, 0.05 - min(rows.values()))  # keep the column above the floor
        for text, leader, i in zip(self.highlight_labels, self.leaders, self.highlight, strict=True):
            row = rows[i] + lift
            text.set_position((column_x, row))
            text.set_horizontalalignment(align)
            text.set_text(f"{muscle_label(self.run.stride.muscles[i])}  {geo.activation[k, i]:.2f}")
            # the leader starts just beyond the text's far end (its extent, in data units)
            box = text.get_window_extent(self.ax.figure.canvas.get_renderer())
            far = self.ax.transData.inverted().transform((box.x1 if align == "left" else box.x0, 0.0))[0]
            end = far + (0.02 if align == "left" else -0.02)
            leader.set_data([end, middles[i][0]], [row, middles[i][1]])
