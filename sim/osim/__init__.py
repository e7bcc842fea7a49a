"""The OpenSim rendering of a ModelSpec. Runs only in child processes: never imports casadi.

Use :func:`sim.opensim_bridge.run_opensim` from the parent process; importing this package
in a process that has loaded casadi raises :class:`sim.ProcessBoundaryError`.
"""

from sim._boundary import require as _require

_require("opensim")
