"""stridesim: physics-based musculoskeletal simulation of running.

Importing ``sim`` installs a guard that refuses to load ``opensim`` and ``casadi`` into
one process (their pip wheels clash); see :mod:`sim._boundary`.
"""

from sim._boundary import ProcessBoundaryError
from sim._boundary import install as _install_boundary

__version__ = "0.3.0"
__all__ = ["ProcessBoundaryError", "__version__"]

_install_boundary()
