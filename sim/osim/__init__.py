"""The OpenSim side: the .osim rendering of a ModelSpec and the OpenSim tools.

Modules that import ``opensim`` (``build``, ``scale_tool``, ``tasks``, ``worker``) run only in
child processes started by :func:`sim.osim.bridge.run_opensim`; importing one of them in a
process that has loaded casadi raises :class:`sim.ProcessBoundaryError`. The parent-side
modules (``bridge``, ``subject``, ``verification``) never import opensim themselves.
"""
