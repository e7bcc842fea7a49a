"""The CasADi rendering of a ModelSpec: symbolic, exactly differentiable, never imports opensim."""

from sim._boundary import require as _require

_require("casadi")
