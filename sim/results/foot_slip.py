"""How fast a loaded foot slides on the floor: a check that touchdown is not a skid.

Real feet land almost at rest on the ground; a contact model with friction also lets a
swinging foot land sliding and be braked by friction, which costs the optimizer nothing
(README 'Stride: realism'). This reports, for the right foot over the full stride, the
largest horizontal speed of a contact sphere's station while that sphere carries more than
:data:`sim.results.fullstride.CONTACT_THRESHOLD` of normal force.
"""

from __future__ import annotations

import numpy as np

from sim.results.fullstride import CONTACT_THRESHOLD, FullStride


def loaded_foot_slip(fs: FullStride, model, side: str = "r") -> dict[str, float]:
    """Peak slip speed (m/s) of a loaded contact sphere of ``side``'s foot, and where (% of cycle)."""
    n = fs.q.shape[0]
    slip = np.abs(np.asarray(model.contact_slip.map(n)(fs.q.T, fs.qd.T)).reshape(n, -1))
    mine = [j for j, s in enumerate(model.spheres) if s.name.endswith(f"_{side}")]
    loaded = np.where(fs.sphere_normal_force[:, mine] > CONTACT_THRESHOLD, slip[:, mine], 0.0)
    node = int(np.argmax(loaded.max(axis=1)))
    return {"peak_m_per_s": float(loaded.max()), "percent_of_cycle": float(fs.cycle_percent[node])}
