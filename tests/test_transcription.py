"""The transcriptions: Radau IIA's coefficients and stability, and a Radau stride that obeys the model."""

from __future__ import annotations

import numpy as np
import pytest

from sim.stride.problem import StrideProblem, formulation
from sim.stride.solve import DEFAULT_IPOPT
from sim.stride.transcription import SCHEMES, radau, scheme


def test_radau_differentiates_and_integrates_polynomials_exactly():
    tau, derivative, weights = radau.coefficients()
    for power in range(4):  # the interpolating cubic reproduces t^0..t^3 and their slopes
        values = tau ** power
        slopes = power * tau[1:] ** max(power - 1, 0) if power else np.zeros(3)
        assert np.allclose(values @ derivative[:, 1:], slopes, atol=1e-12)
    for power in range(5):  # three Radau points integrate up to degree 2 d - 2 = 4 exactly
        assert weights @ tau[1:] ** power == pytest.approx(1.0 / (power + 1), abs=1e-12)
    assert tau[-1] == 1.0


def _one_step(scheme_name: str, h_lambda: float) -> float:
    """x(h) / x(0) of one interval of the scheme on x' = lambda x."""
    if scheme_name == "trapezoidal":
        return (1 + 0.5 * h_lambda) / (1 - 0.5 * h_lambda)
    if scheme_name == "bdf2":  # the larger root of (3 - 2 z) r^2 - 4 r + 1 = 0: the mode the scheme carries
        return float(max(np.abs(np.roots([3 - 2 * h_lambda, -4.0, 1.0]))))
    _, derivative, _ = radau.coefficients()
    # sum_r C[r, j] x_r = h lambda x_j at the collocation points j = 1..3, x_0 = 1
    a = derivative[1:, 1:].T - h_lambda * np.eye(3)
    x = np.linalg.solve(a, -derivative[0, 1:])
    return float(x[-1])


def test_radau_damps_a_stiff_mode_that_the_trapezoidal_rule_flips():
    # a stick-slip friction mode: 6000 N s/m on a 3 kg foot over a 7 ms interval, h lambda = -14
    h_lambda = -6000.0 / 3.0 * 0.007
    assert _one_step("trapezoidal", h_lambda) < -0.7  # flips sign and hardly decays: node-to-node zig-zag
    assert abs(_one_step("radau", h_lambda)) < 0.1  # decays sixteen-fold within the interval
    # Radau IIA's stability function (Hairer & Wanner, Solving ODEs II, IV.5): -> 0 as h lambda -> -inf
    z = h_lambda
    assert _one_step("radau", z) == pytest.approx((1 + 2 * z / 5 + z ** 2 / 20)
                                                  / (1 - 3 * z / 5 + 3 * z ** 2 / 20 - z ** 3 / 60), rel=1e-10)
    assert abs(_one_step("radau", -1e6)) < 1e-5
    assert _one_step("bdf2", h_lambda) < 0.3  # BDF2 is L-stable too
    assert _one_step("bdf2", -1e6) < 1e-2
    assert _one_step("radau", -0.01) == pytest.approx(np.exp(-0.01), rel=1e-10)  # and is accurate where smooth


def test_an_unknown_transcription_is_rejected_by_name():
    with pytest.raises(ValueError, match="transcription must be one of trapezoidal, bdf2, radau"):
        scheme("euler")
    assert set(SCHEMES) == {"trapezoidal", "bdf2", "radau"}


def test_the_transcription_is_part_of_the_formulation_only_when_not_the_default():
    assert "transcription" not in formulation()
    assert formulation(transcription="radau")["transcription"] == "radau"


@pytest.mark.parametrize("name", ["radau", "bdf2"])
def test_an_l_stable_stride_converges_and_its_nodes_obey_the_model(spec, name):
    problem = StrideProblem(spec, n_intervals=10, transcription=name)
    solution = problem.solve(3.5, max_iter=1000, print_level=0)
    assert solution.report.status == "Solve_Succeeded"
    trajectory = solution.trajectory
    assert trajectory.n_nodes == problem.n + 1
    assert np.allclose(np.diff(trajectory.time), trajectory.duration / problem.n)
    xs, us, *_ = problem.scheme.unpack(problem.layout, problem.n, solution.point)
    # every reported node is a collocation point (node 0 by periodicity, with mirrored controls):
    # the skeletal and tendon equations hold there, within the solver's constraint tolerance
    _, eq, _, _ = problem.node.map(problem.n + 1)(xs.T, us.T, solution.parameters)
    assert np.abs(np.asarray(eq)).max() <= DEFAULT_IPOPT["constr_viol_tol"]
    labels = problem.scheme.variable_labels(problem.layout, problem.n)
    assert len(labels) == problem.transcription.n_w
    assert len(problem.constraint_labels) == problem.transcription.n_g
