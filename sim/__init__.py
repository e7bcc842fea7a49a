"""stridesim: physics-based musculoskeletal simulation of running.

Importing ``sim`` installs a guard that refuses to load ``opensim`` and ``casadi`` into
one process (their pip wheels clash); see :mod:`sim._boundary`. It also runs the linear algebra
of IPOPT's linear solver on one thread unless the user chose otherwise: a stride's KKT system is
too small to share, and sweeps put one worker on each core (docs/performance.md, 'Levers').
"""

import os as _os

from sim._boundary import ProcessBoundaryError
from sim._boundary import install as _install_boundary

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    _os.environ.setdefault(_variable, "1")

__version__ = "0.3.0"
__all__ = ["ProcessBoundaryError", "__version__"]

_install_boundary()
