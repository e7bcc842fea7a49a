"""Speed of the model: CasADi residual and its Jacobian vs OpenSim inverse dynamics.

Run: python benchmarks/model_speed.py [--seconds 3]
Prints evaluations per second of (a) the CasADi whole-model residual (skeleton inverse
dynamics + 24 muscles + passive moments + 4 contact spheres), (b) its exact Jacobian with
respect to all 86 inputs, and (c) OpenSim's InverseDynamicsSolver per state (same model,
all forces on, child process). Results are also written to benchmarks/results/model_speed.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import casadi as ca
import numpy as np

from sim.cas.model import CasadiModel
from sim.model.spec import load_spec
from sim.osim.bridge import run_opensim
from sim.osim.verification import sample_states


def rate(function, args, seconds: float) -> float:
    """Calls per second of ``function(*args)`` measured over about 100 x ``seconds``."""
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < 100 * seconds:
        function(*args)
        n += 1
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    spec = load_spec()
    model = CasadiModel(spec)
    residual = model.residual_forces
    inputs = ca.vertcat(*[ca.SX.sym(f"x{i}", residual.size1_in(i)) for i in range(residual.n_in())])
    split = ca.vertsplit(inputs, np.cumsum([0] + [residual.size1_in(i) for i in range(residual.n_in())]).tolist())
    flat = ca.Function("residual_flat", [inputs], [residual(*split)]).expand()
    jacobian = ca.Function("residual_jacobian", [inputs], [ca.jacobian(flat(inputs), inputs)]).expand()
    states = sample_states(spec, 1, seed=0)
    x = np.concatenate([states["q"][1], states["qd"][1], states["qdd"][1], states["activation"][1],
                        states["tendon_force"][1], np.zeros(model.n_muscles), [1.0, 1.0]])
    # as inside the NLP: one call evaluates the whole mesh (here 1000 states), so Python's
    # per-call overhead does not count
    batch = 1000
    xs = np.tile(x[:, None], (1, batch))
    residual_rate = batch * rate(flat.map(batch), [xs], args.seconds / 100)
    jacobian_rate = batch * rate(jacobian.map(batch), [xs], args.seconds / 100)
    osim = run_opensim("time_inverse_dynamics", spec=spec.model_dump(), seconds=args.seconds)
    results = {
        "casadi_residual_evals_per_s": residual_rate, "batch": batch,
        "casadi_jacobian_evals_per_s": jacobian_rate,
        "jacobian_nonzeros": int(jacobian.sparsity_out(0).nnz()),
        "opensim_inverse_dynamics_per_s": osim["rate"],
        "machine": {"cpu": platform.processor() or platform.machine(), "python": platform.python_version(),
                    "casadi": ca.__version__, "opensim": osim["version"]},
    }
    print(f"CasADi residual (86 inputs -> 10 generalized forces): {residual_rate:,.0f} evaluations/s")
    print(f"CasADi exact Jacobian ({results['jacobian_nonzeros']} nonzeros):       {jacobian_rate:,.0f} evaluations/s")
    print(f"OpenSim InverseDynamicsSolver (all forces):           {osim['rate']:,.0f} states/s")
    print(f"speed-up residual vs OpenSim ID: {residual_rate / osim['rate']:.0f}x "
          "(and OpenSim has no derivatives: a finite-difference Jacobian costs 86 more evaluations)")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "model_speed.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
