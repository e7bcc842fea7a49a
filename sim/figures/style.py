"""One look for every stridesim visual: condition colours, the activation colour map, fonts.

Condition ``i`` (the i-th run given to a command) has the same colour in the animation, every
gait plot and the report: blues, greens and purples (from the Okabe-Ito and ColorBrewer
palettes), never the yellows, oranges and reds of the activation scale; the measured subject
is always grey and dashed. Muscles are named as people say them (:func:`muscle_label`).
"""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib.pyplot as plt
from matplotlib.colors import LinearSegmentedColormap, Normalize

#: condition colours: blues, greens, purples and black only, so that a body or a curve never
#: collides with the activation scale (grey -> yellow -> orange -> red)
CONDITION_COLOURS = ("#0072B2", "#009E73", "#6A3D9A", "#56B4E9", "#000000", "#1B7F6B", "#8E6BB8", "#2F4B7C")
MEASURED_COLOUR = "0.45"
MEASURED_STYLE = {"color": MEASURED_COLOUR, "lw": 2.0, "ls": "--"}
#: the pelvis marker of the animation: a colour used nowhere else (tests find it in frames)
PELVIS_MARKER_COLOUR = "#ff00ff"

#: muscle activation 0 -> 1: pale blue-grey (visible on white, not distracting) to dark red
ACTIVATION_CMAP = LinearSegmentedColormap.from_list(
    "stridesim_activation", ["#b9c3d3", "#f6c141", "#e8601c", "#a50026"])
ACTIVATION_NORM = Normalize(0.0, 1.0)

#: figure sizes in inches at FIGURE_DPI: 16:9 slides, readable when shrunk to a paper column
SLIDE = (12.0, 6.75)
FIGURE_DPI = 150

RC = {"font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12, "xtick.labelsize": 11, "ytick.labelsize": 11,
      "legend.fontsize": 11, "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
      "grid.color": "0.9", "grid.linewidth": 0.8, "lines.linewidth": 2.2, "figure.dpi": FIGURE_DPI,
      "savefig.dpi": FIGURE_DPI}


def condition_colour(index: int) -> str:
    """Colour of the ``index``-th condition (cycles after eight)."""
    return CONDITION_COLOURS[index % len(CONDITION_COLOURS)]


def activation_colour(value: float) -> tuple[float, float, float, float]:
    """RGBA of an activation level (clipped to [0, 1])."""
    return ACTIVATION_CMAP(ACTIVATION_NORM(min(max(float(value), 0.0), 1.0)))


@contextmanager
def figure_style():
    """Matplotlib settings of the gait plots (restored afterwards)."""
    with plt.rc_context(RC):
        yield


#: plain names of the model's muscles (side suffix removed)
MUSCLE_NAMES = {
    "glut_max": "gluteus maximus", "hamstrings": "hamstrings", "bifemsh": "biceps femoris short head",
    "iliacus": "iliacus", "psoas": "psoas", "rect_fem": "rectus femoris", "vasti": "vasti (quadriceps)",
    "gastroc": "gastrocnemius", "soleus": "soleus", "tib_ant": "tibialis anterior",
    "ercspn": "erector spinae", "extobl": "external oblique",
}
#: the groups a class talks about, by plain name -> model muscles (side suffix removed)
MUSCLE_GROUPS = {"gluteus maximus": ("glut_max",), "hamstrings": ("hamstrings",), "iliopsoas": ("iliacus", "psoas"),
                 "calf muscles": ("gastroc", "soleus"), "quadriceps": ("vasti", "rect_fem"),
                 "hip flexors": ("iliacus", "psoas", "rect_fem")}


def muscle_label(name: str) -> str:
    """``glut_max_r`` -> ``gluteus maximus (right)``; unknown names are returned as they are."""
    base, side = (name[:-2], {"_r": " (right)", "_l": " (left)"}[name[-2:]]) if name.endswith(("_r", "_l")) \
        else (name, "")
    return MUSCLE_NAMES.get(base, base.replace("_", " ")) + side
