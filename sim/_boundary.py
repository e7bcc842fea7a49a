"""The opensim/casadi process boundary.

The pip wheels of ``opensim`` and ``casadi`` each ship their own ``libcasadi.so.3.7``;
whichever is imported second in a process fails with an undefined-symbol error (or
crashes). stridesim therefore keeps OpenSim work in spawned child processes and the
CasADi engine in the parent. This module turns a same-process import into a clear
:class:`ProcessBoundaryError` *before* the second library is loaded.
"""

from __future__ import annotations

import importlib.abc
import sys

_RIVALS = {"opensim": "casadi", "casadi": "opensim"}


class ProcessBoundaryError(ImportError):
    """Raised when opensim and casadi would be loaded into the same process."""


def _message(wanted: str, loaded: str) -> str:
    return (
        f"stridesim: cannot import '{wanted}' in this process because '{loaded}' is "
        f"already loaded. The pip wheels of opensim and casadi ship incompatible copies "
        f"of libcasadi.so.3.7 and cannot share one Python process. Run OpenSim work "
        f"through sim.osim.bridge.run_opensim (it spawns a child process), and keep CasADi work in "
        f"a process that never imports opensim."
    )


def loaded_rival(wanted: str) -> str | None:
    """Name of the library that forbids importing ``wanted`` here, or None."""
    rival = _RIVALS[wanted]
    return rival if rival in sys.modules else None


def require(wanted: str) -> None:
    """Raise ProcessBoundaryError if ``wanted`` cannot be imported in this process."""
    rival = loaded_rival(wanted)
    if rival is not None:
        raise ProcessBoundaryError(_message(wanted, rival))


class _BoundaryFinder(importlib.abc.MetaPathFinder):
    """Refuse the second of opensim/casadi before its shared library is loaded."""

    def find_spec(self, fullname, path=None, target=None):  # noqa: D102
        top = fullname.partition(".")[0]
        if top in _RIVALS and fullname == top:
            require(top)
        return None  # let the normal finders do the actual import


def install() -> None:
    """Install the import guard once per process (idempotent)."""
    if not any(isinstance(f, _BoundaryFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _BoundaryFinder())
