"""Moco side by side: the stride problem stated in OpenSim Moco and solved next to stridesim's.

Run: python benchmarks/moco_side_by_side.py [--intervals 50] [--max-iter N] [--out PATH]
       [--moco-hessian limited-memory|exact] [--no-range-stops]

The exported .osim of the default model, the same mesh (trapezoidal, N intervals), speed (3.5 m/s),
bounds and cost terms as far as Moco can express them (every difference is in ``DIFFERENCES``,
printed and stored), from the same initial guess (the first start of the default multi-start: the
measured stride as recorded), solved by stridesim in this process and by Moco's CasADi solver in a
spawned child process that imports only opensim (the two wheels cannot share a process). Reports
each side's wall time, iterations, time per iteration, objective (and each side's solution under the
other side's objective), stridesim's constraint residuals at Moco's optimum (its physics judging
OpenSim's) and the RMS difference between the two strides' joint angles. ``--max-iter N`` caps both
solves for a quick per-iteration comparison; a solve that did not converge is reported with its
status, never as a result. Writes benchmarks/results/moco_side_by_side.json (atomically).
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import pty
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DEFAULT_OUT = Path(__file__).parent / "results" / "moco_side_by_side.json"
SPEED = 3.5  # m/s, the baseline's
CONVERGED = ("Solve_Succeeded", "Solved_To_Acceptable_Level")  # one rule for both sides (stridesim's)
#: Moco log lines not echoed (they repeat per muscle and evaluation; kept in the captured output)
QUIET = ("has weight 0 and will be ignored", "is exceeding maximum contraction velocity")

#: where the two problems differ, and why Moco cannot state stridesim's form (printed and stored in the JSON)
DIFFERENCES = [
    "Activation dynamics. stridesim: the activation rate da/dt is a control bounded by -a/tau_d <= da/dt <= "
    "(1 - a)/tau_a (tau_a 15 ms, tau_d 60 ms; De Groote et al. 2016); there is no excitation. Moco: "
    "DeGrooteFregly2016Muscle's first-order ODE driven by an excitation e in [0, 1] (one more control per "
    "muscle), da/dt = [(f + 1/2)/(tau_a z) + (1/2 - f) z/tau_d] (e - a) with z = 0.5 + 1.5 a and "
    "f = tanh(b (e - a))/2, b = activation_dynamics_smoothing (0.1, the 4.6 default). Moco cannot state a "
    "bounded activation rate: the rate is not one of its variables, no muscle output carries it for a "
    "MocoOutputBoundConstraint, and the 4.6 Python bindings cannot define a new MocoPathConstraint (no SWIG "
    "director). The rates each side can reach differ (activation_rate_reach in the JSON); this is the "
    "difference most likely to move the optimum.",
    "Regularization off on both sides. stridesim's acceleration (default weight 1e-7), activation_rate (1e-4) "
    "and tendon_rate (1e-4) goals are weighted 0, and Moco's minimize_implicit_multibody_accelerations and "
    "minimize_implicit_auxiliary_derivatives stay off (their default): Moco's two terms are integrals over "
    "time, not per distance, and its acceleration term charges all 10 coordinates, pelvis translations "
    "included (stridesim's the 8 rotational ones); an activation rate is not a Moco variable. So the compared "
    "problem is not the project's default formulation (at the default weights these three terms made 2.3 %, "
    "3.0 % and 0.5 % of the baseline_w086 objective).",
    "No-skid limit off on both sides (StrideProblem(max_loaded_slip=None)). Normal force x (slip^2 - "
    "v_max^2) <= 0 per contact sphere has no Moco form: SmoothSphereHalfSpaceForce has no slip-speed output, "
    "MocoOutputConstraint combines at most two outputs with one operation, and a new MocoPathConstraint cannot "
    "be written in Python.",
    "Range stops. Moco's MocoOutputGoal charges a whole output of one component, and each exported "
    "passive_<coordinate> force holds the range stop and its damping (-0.1 qdot) in one expression; stridesim's "
    "range_stop_torque goal charges the stop alone. So in the model Moco solves each of them is split into "
    "stop_<coordinate> (the two exponentials) and damping_<coordinate> (the damping term), whose sum is the "
    "exported expression (the child checks it numerically), and one MocoOutputGoal per stop charges "
    "stop_<coordinate>|force_magnitude squared, per displacement. The dynamics are the exported model's, but "
    "the .osim Moco solves is not the export byte for byte. --no-range-stops weights the goal 0 on both sides.",
    "Per distance and average speed. stridesim divides every goal by speed x duration and imposes "
    "pelvis_tx(T) - pelvis_tx(0) = speed x duration; Moco divides by the centre-of-mass displacement "
    "|r_com(T) - r_com(0)| (setDivideByDisplacement) and MocoAverageSpeedGoal imposes that displacement / "
    "duration = speed. The two agree at every feasible point (with the mirror symmetry the centre of mass sits "
    "at the same place relative to the pelvis at both ends, and pelvis_ty is periodic), not along the "
    "iterations.",
    "Acceleration bounds. stridesim: +-1500 rad/s^2 on rotations, +-300 m/s^2 on the pelvis translations; "
    "Moco has one bound for every coordinate (implicit_multibody_acceleration_bounds), set to +-1500 (the "
    "baseline_w086 stride's pelvis translations peak at 21 and 31 m/s^2, inside both).",
    "Controls at the ends. Both sides tie every state of the last node but pelvis_tx to the mirror image of "
    "the first (MocoPeriodicityGoal state pairs, left <-> right); neither ties controls, so stridesim's "
    "accelerations, rates and reserves and Moco's excitations, accelerations, tendon-force derivatives and "
    "reserves are free at both ends.",
    "Derivatives (solver). stridesim's gradient, constraint Jacobian and Hessian are exact (CasADi "
    "algorithmic differentiation of its own model). Moco calls OpenSim through callbacks and differentiates "
    "them by central finite differences (optim_finite_difference_scheme), with IPOPT's limited-memory "
    "(L-BFGS) Hessian by default (optim_hessian_approximation; --moco-hessian exact takes finite-difference "
    "second derivatives instead).",
    "IPOPT options (solver). Both sides get the same max_iter, tol 1e-4 and constr_viol_tol 1e-4. Moco's "
    "convergence tolerance sets tol, dual_inf_tol, compl_inf_tol and their acceptable_* counterparts to one "
    "value, so its dual_inf_tol and acceptable_tol are 1e-4 against stridesim's 1e-3; Moco passes no other "
    "IPOPT option, so it runs IPOPT's defaults (monotone barrier, bound_push 1e-2, no objective scaling, MUMPS's "
    "automatic ordering) where stridesim sets obj_scaling_factor 100, mu_strategy adaptive, mumps_pivot_order 5 "
    "(METIS) and bound_push / bound_frac 1e-3.",
    "Variable scaling (solver). stridesim solves in scaled variables (physical / scale, of order one); Moco in "
    "physical units (scale_variables_using_bounds off, its default).",
    "Threads (solver). Moco evaluates its callbacks on every core (parallel, its default); stridesim on one.",
    "Physics. Each side evaluates its own rendering of the model: stridesim its CasADi model of the spec, Moco "
    "OpenSim's components of the exported .osim (the same parameters; the project's tests compare the two "
    "state by state). Where the formulations agree, the optima should agree as far as the two physics do.",
]


# ---------------------------------------------------------------------------------------------------------------
# Moco's activation dynamics in plain numpy (guess excitations, the reachable rates, Moco's da/dt for stridesim)
def moco_activation_rate(e: np.ndarray, a: np.ndarray, tau_a: float, tau_d: float, smoothing: float) -> np.ndarray:
    """da/dt of DeGrooteFregly2016Muscle at excitation ``e`` and activation ``a`` (OpenSim 4.6's formula)."""
    z = 0.5 + 1.5 * a
    f = 0.5 * np.tanh(smoothing * (e - a))
    return ((f + 0.5) / (tau_a * z) + (0.5 - f) * z / tau_d) * (e - a)


def excitation_for_rate(a: np.ndarray, da: np.ndarray, tau_a: float, tau_d: float, smoothing: float) -> np.ndarray:
    """The excitation in [0, 1] whose Moco activation rate is ``da`` (bisection; clipped where out of reach),
    so that a stridesim trajectory can be written as a Moco trajectory."""
    lo, hi = np.zeros_like(a), np.ones_like(a)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        below = moco_activation_rate(mid, a, tau_a, tau_d, smoothing) < da
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def activation_rate_reach(tau_a: float, tau_d: float, smoothing: float) -> list[dict]:
    """The fastest rise and decay of activation each side allows at a few activations (1/s)."""
    rows = []
    for a in (0.01, 0.1, 0.5, 1.0):
        aa = np.array(a)
        rows.append({"activation": a,
                     "stridesim_rise": (1 - a) / tau_a, "stridesim_decay": -a / tau_d,
                     "moco_rise": float(moco_activation_rate(np.array(1.0), aa, tau_a, tau_d, smoothing)),
                     "moco_decay": float(moco_activation_rate(np.array(0.0), aa, tau_a, tau_d, smoothing))})
    return rows


# ---------------------------------------------------------------------------------------------------------------
# the child: imports opensim only, gets and returns plain data
def other_side(name: str) -> str:
    """``hip_flexion_r`` <-> ``hip_flexion_l``; side-free names unchanged (stridesim's mirror rule,
    sim.stride.trajectory.mirror_permutation_name, which the child cannot import: sim.stride loads casadi)."""
    if name.endswith("_r"):
        return name[:-2] + "_l"
    if name.endswith("_l"):
        return name[:-2] + "_r"
    return name


def _moco_paths(model, coordinates: list[str]) -> dict[str, str]:
    coordinate_set = model.getCoordinateSet()
    return {c: coordinate_set.get(c).getAbsolutePathString() for c in coordinates}


def _split_stops(osim, model, stops: list[str]) -> float:
    """Replace each range-stop force ``passive_<coordinate>`` by ``stop_<coordinate>`` (its exponentials) and
    ``damping_<coordinate>`` (its damping term); return the largest difference of the sum from the original
    over random states (N m)."""
    original = model.clone()
    forces = model.updForceSet()
    for coordinate in stops:
        name = f"passive_{coordinate}"
        force = osim.ExpressionBasedCoordinateForce.safeDownCast(forces.get(name))
        expression = force.get_expression()
        match = re.fullmatch(r"(.*)(-\([^()]+\)\*qdot)", expression)
        if match is None:
            raise ValueError(f"{name}: expected '<stop>-(<damping>)*qdot', got {expression!r}")
        forces.remove(forces.getIndex(name))
        for prefix, part in (("stop", match.group(1)), ("damping", match.group(2))):
            split = osim.ExpressionBasedCoordinateForce(coordinate, part)
            split.setName(f"{prefix}_{coordinate}")
            model.addForce(split)
    model.finalizeConnections()
    # the same generalized force at random states (values within the coordinate's range, speeds +-20 rad/s)
    rng = np.random.default_rng(0)
    states = {original: original.initSystem(), model: model.initSystem()}
    worst = 0.0
    for _ in range(20):
        draws = {}
        for coordinate in stops:
            c = original.getCoordinateSet().get(coordinate)
            draws[coordinate] = (float(rng.uniform(c.getRangeMin(), c.getRangeMax())), float(rng.uniform(-20, 20)))
        for m, s in states.items():
            for coordinate, (value, speed) in draws.items():
                c = m.getCoordinateSet().get(coordinate)
                c.setValue(s, value, False)
                c.setSpeedValue(s, speed)
            m.realizeDynamics(s)

        def magnitude(m, name: str) -> float:
            return osim.ExpressionBasedCoordinateForce.safeDownCast(m.getForceSet().get(name)).getForceMagnitude(states[m])

        for coordinate in stops:
            before = magnitude(original, f"passive_{coordinate}")
            after = magnitude(model, f"stop_{coordinate}") + magnitude(model, f"damping_{coordinate}")
            worst = max(worst, abs(before - after))
    return worst


def _fill_trajectory(traj, data: dict, req: dict, paths: dict[str, str]) -> None:
    """Write plain arrays (stridesim's naming and order) into a Moco trajectory of the same number of times."""
    traj.setTime(np.asarray(data["time"], dtype=float))
    named = {}
    for i, c in enumerate(req["coordinates"]):
        named[("state", f"{paths[c]}/value")] = data["q"][:, i]
        named[("state", f"{paths[c]}/speed")] = data["qd"][:, i]
        named[("derivative", f"{paths[c]}/accel")] = data["qdd"][:, i]
    for i, m in enumerate(req["muscles"]):
        named[("state", f"/forceset/{m}/activation")] = data["a"][:, i]
        named[("control", f"/forceset/{m}")] = data["excitation"][:, i]
    for i, m in enumerate(req["compliant"]):
        named[("state", f"/forceset/{m}/normalized_tendon_force")] = data["ft"][:, i]
        named[("derivative", f"/forceset/{m}/implicitderiv_normalized_tendon_force")] = data["dft"][:, i]
    for i, c in enumerate(req["reserve_coordinates"]):
        named[("control", f"/forceset/reserve_{c}")] = data["reserves"][:, i]
    expected = ({("state", n) for n in traj.getStateNames()} | {("control", n) for n in traj.getControlNames()}
                | {("derivative", n) for n in traj.getDerivativeNames()})
    if expected != set(named):
        raise ValueError(f"Moco variables not covered: {sorted(expected - set(named))}; "
                         f"unknown: {sorted(set(named) - expected)}")
    setters = {"state": traj.setState, "control": traj.setControl, "derivative": traj.setDerivative}
    for (kind, name), values in named.items():
        setters[kind](name, np.ascontiguousarray(values, dtype=float))


def _read_trajectory(traj, req: dict, paths: dict[str, str]) -> dict:
    """Plain arrays (stridesim's naming and order) from a Moco trajectory."""
    def column(getter, name: str) -> np.ndarray:
        return np.asarray(getter(name).to_numpy(), dtype=float)

    def stack(getter, names: list[str]) -> np.ndarray:
        return np.column_stack([column(getter, n) for n in names]) if names else np.zeros((traj.getNumTimes(), 0))

    coords = req["coordinates"]
    return {"time": np.asarray(traj.getTime().to_numpy(), dtype=float),
            "q": stack(traj.getState, [f"{paths[c]}/value" for c in coords]),
            "qd": stack(traj.getState, [f"{paths[c]}/speed" for c in coords]),
            "qdd": stack(traj.getDerivative, [f"{paths[c]}/accel" for c in coords]),
            "a": stack(traj.getState, [f"/forceset/{m}/activation" for m in req["muscles"]]),
            "excitation": stack(traj.getControl, [f"/forceset/{m}" for m in req["muscles"]]),
            "ft": stack(traj.getState, [f"/forceset/{m}/normalized_tendon_force" for m in req["compliant"]]),
            "dft": stack(traj.getDerivative,
                         [f"/forceset/{m}/implicitderiv_normalized_tendon_force" for m in req["compliant"]]),
            "reserves": stack(traj.getControl, [f"/forceset/reserve_{c}" for c in req["reserve_coordinates"]])}


def _moco_objective(study, traj, req: dict) -> dict[str, float]:
    """Moco's objective of a trajectory, term by term, recomputed from its goals' definitions (trapezoidal
    quadrature on the trajectory's times, per centre-of-mass displacement, which is returned too as
    ``displacement_m``): Moco 4.6's Python API has no call that evaluates a problem's goals on a given
    trajectory."""
    t = np.asarray(traj.getTime().to_numpy(), dtype=float)
    com = study.analyzeVec3(traj, ["/\\|com_position"]).getDependentColumnAtIndex(0)
    displacement = float(np.linalg.norm(com[com.size() - 1].to_numpy() - com[0].to_numpy()))
    w = req["weights"]
    a2 = sum(np.asarray(traj.getState(f"/forceset/{m}/activation").to_numpy()) ** 2 for m in req["muscles"])
    r2 = sum(np.asarray(traj.getControl(f"/forceset/reserve_{c}").to_numpy()) ** 2
             for c in req["reserve_coordinates"])
    terms = {"effort": w["effort"] * np.trapezoid(a2, t) / displacement,
             "reserves": w["reserves"] * np.trapezoid(r2, t) / displacement}
    if w["range_stop_torque"] != 0.0:
        table = study.analyze(traj, [f"/forceset/stop_{c}\\|force_magnitude" for c in req["stops"]])
        stops = sum(np.asarray(table.getDependentColumnAtIndex(i).to_numpy()) ** 2 for i in range(table.getNumColumns()))
        terms["range_stop_torque"] = w["range_stop_torque"] * np.trapezoid(stops, t) / displacement
    return {**{k: float(v) for k, v in terms.items()}, "displacement_m": displacement}


def moco_child(req: dict) -> dict:
    """Build the MocoStudy of ``req`` (plain data) on the exported .osim, solve it from the given guess with
    MocoCasADiSolver, and return the outcome as plain data."""
    import opensim as osim

    osim.Logger.removeFileSink()
    t0 = time.perf_counter()
    model = osim.Model(req["model_path"])
    model.finalizeConnections()
    split_error = _split_stops(osim, model, req["stops"]) if req["weights"]["range_stop_torque"] != 0.0 else None
    smoothing, taus = set(), set()
    for muscle in model.getMuscles():
        dgf = osim.DeGrooteFregly2016Muscle.safeDownCast(muscle)
        smoothing.add(dgf.get_activation_dynamics_smoothing())
        taus.add((dgf.get_activation_time_constant(), dgf.get_deactivation_time_constant()))
        if not dgf.get_ignore_tendon_compliance():
            dgf.set_tendon_compliance_dynamics_mode("implicit")
    lo, hi = req["reserve_bounds"]
    for c in req["reserve_coordinates"]:
        actuator = osim.CoordinateActuator(c)
        actuator.setName(f"reserve_{c}")
        actuator.setOptimalForce(1.0)  # control = torque (N m), as stridesim's reserves
        actuator.setMinControl(lo)
        actuator.setMaxControl(hi)
        model.addForce(actuator)
    model.finalizeConnections()
    model.initSystem()
    paths = _moco_paths(model, req["coordinates"])

    study = osim.MocoStudy()
    study.setName("stride_side_by_side")
    problem = study.updProblem()
    problem.setModelAsCopy(model)
    problem.setTimeBounds(osim.MocoInitialBounds(0.0), osim.MocoFinalBounds(*req["time_bounds"]))
    for c in req["coordinates"]:
        q_lo, q_hi = req["coordinate_bounds"][c]
        if c in req["initial_zero"]:
            problem.setStateInfo(f"{paths[c]}/value", osim.MocoBounds(q_lo, q_hi), osim.MocoInitialBounds(0.0))
        else:
            problem.setStateInfo(f"{paths[c]}/value", osim.MocoBounds(q_lo, q_hi))
        problem.setStateInfo(f"{paths[c]}/speed", osim.MocoBounds(*req["speed_bounds"][c]))
    problem.setStateInfoPattern(".*/activation", osim.MocoBounds(*req["activation_bounds"]))
    problem.setStateInfoPattern(".*/normalized_tendon_force", osim.MocoBounds(*req["tendon_force_bounds"]))

    w = req["weights"]
    effort = osim.MocoSumSquaredStateGoal("effort", w["effort"])
    effort.setPattern(".*/activation")
    effort.setDivideByDisplacement(True)
    problem.addGoal(effort)
    reserves = osim.MocoControlGoal("reserves", w["reserves"])
    for m in req["muscles"]:
        reserves.setWeightForControl(f"/forceset/{m}", 0.0)  # excitations are not charged (effort is on a)
    reserves.setExponent(2)
    reserves.setDivideByDisplacement(True)
    problem.addGoal(reserves)
    if w["range_stop_torque"] != 0.0:
        for c in req["stops"]:
            stop = osim.MocoOutputGoal(f"range_stop_{c}", w["range_stop_torque"])
            stop.setOutputPath(f"/forceset/stop_{c}|force_magnitude")
            stop.setExponent(2)
            stop.setDivideByDisplacement(True)
            problem.addGoal(stop)
    symmetry = osim.MocoPeriodicityGoal("symmetry")
    state_names = model.getStateVariableNames()
    state_names = [state_names.get(i) for i in range(state_names.getSize())]
    for name in state_names:
        if name == f"{paths[req['free_periodicity']]}/value":
            continue  # the average speed goal moves the pelvis on instead
        # joint, coordinate and muscle names swap sides, as stridesim's mirror map does
        swapped = "/".join(other_side(part) for part in name.split("/"))
        if swapped not in state_names:
            raise ValueError(f"no mirror state for {name} ({swapped})")
        symmetry.addStatePair(osim.MocoPeriodicityGoalPair(swapped, name))  # mirrored first node = last node
    problem.addGoal(symmetry)
    speed = osim.MocoAverageSpeedGoal("speed")
    speed.set_desired_average_speed(req["speed"])
    problem.addGoal(speed)

    solver = study.initCasADiSolver()
    solver.set_num_mesh_intervals(req["intervals"])
    solver.set_transcription_scheme("trapezoidal")
    solver.set_multibody_dynamics_mode("implicit")
    solver.set_implicit_multibody_acceleration_bounds(osim.MocoBounds(-req["acceleration_bound"],
                                                                      req["acceleration_bound"]))
    solver.set_implicit_auxiliary_derivative_bounds(osim.MocoBounds(*req["tendon_rate_bounds"]))
    solver.set_minimize_implicit_multibody_accelerations(False)
    solver.set_minimize_implicit_auxiliary_derivatives(False)
    solver.set_optim_convergence_tolerance(req["tolerance"])
    solver.set_optim_constraint_tolerance(req["constraint_tolerance"])
    solver.set_optim_max_iterations(req["max_iter"])
    solver.set_optim_hessian_approximation(req["hessian"])
    guess = solver.createGuess()
    if guess.getNumTimes() != req["intervals"] + 1:
        raise ValueError(f"Moco's trapezoidal guess has {guess.getNumTimes()} times, expected {req['intervals'] + 1}")
    _fill_trajectory(guess, req["guess"], req, paths)
    solver.setGuess(guess)
    guess_objective = _moco_objective(study, guess, req)
    setup = time.perf_counter() - t0
    print(f"Moco study built in {setup:.1f} s; solving", flush=True)

    t1 = time.perf_counter()
    solution = study.solve()
    wall = time.perf_counter() - t1
    success = bool(solution.success())
    if not success:
        solution.unseal()
    status = solution.getStatus()
    names = list(solution.getObjectiveTermNames())
    terms = {n: float(solution.getObjectiveTermByIndex(i)) for i, n in enumerate(names)}
    grouped = {"effort": terms.get("effort", 0.0), "reserves": terms.get("reserves", 0.0)}
    if w["range_stop_torque"] != 0.0:
        grouped["range_stop_torque"] = sum(v for k, v in terms.items() if k.startswith("range_stop_"))
    other = solver.createGuess()
    _fill_trajectory(other, req["stridesim_solution"], req, paths)
    return {"status": status, "success": success, "iterations": int(solution.getNumIterations()),
            "setup_s": setup, "solve_wall_s": wall, "solver_duration_s": float(solution.getSolverDuration()),
            "objective": float(solution.getObjective()), "objective_terms": grouped, "moco_terms": terms,
            "objective_recomputed": _moco_objective(study, solution, req), "objective_of_guess": guess_objective,
            "objective_of_stridesim_solution": _moco_objective(study, other, req),
            "solution": _read_trajectory(solution, req, paths), "stop_split_max_abs_difference_Nm": split_error,
            "activation_dynamics_smoothing": sorted(smoothing), "activation_time_constants": sorted(taus),
            "opensim_version": osim.__version__, "moco_parallel_env": os.environ.get("OPENSIM_MOCO_PARALLEL")}


def child_main(request_path: str, result_path: str) -> int:
    """Entry point of the spawned child: read the request, run :func:`moco_child`, write the result."""
    import traceback

    request = pickle.loads(Path(request_path).read_bytes())
    try:
        result = {"ok": True, "value": moco_child(request)}
    except Exception as exc:  # reported to the parent, which raises it there
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
    Path(result_path).write_bytes(pickle.dumps(result))
    return 0


def run_moco(request: dict) -> tuple[dict, list[str]]:
    """Run the Moco side in a spawned child (it imports opensim, never casadi) and stream its output live
    through a pseudo-terminal (so IPOPT's C output is line-buffered); return its result and output lines."""
    with tempfile.TemporaryDirectory(prefix="moco-side-by-side-") as tmp:
        req_path, res_path = Path(tmp) / "request.pkl", Path(tmp) / "result.pkl"
        req_path.write_bytes(pickle.dumps(request))
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        master, slave = pty.openpty()
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", str(req_path),
                                 str(res_path)], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env,
                                cwd=tmp)  # Moco writes its stop-file into the working directory
        os.close(slave)
        lines, pending = [], b""
        try:
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the child closed its side
                    break
                if not chunk:
                    break
                pending += chunk
                *complete, pending = pending.split(b"\n")
                for raw in complete:
                    line = raw.decode(errors="replace").rstrip("\r")
                    lines.append(line)
                    if not any(q in line for q in QUIET):
                        print(f"  moco | {line}", flush=True)
            proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            proc.wait()
            raise
        finally:
            os.close(master)
        if not res_path.exists():
            raise RuntimeError(f"the Moco child crashed (exit code {proc.returncode}); last output:\n"
                               + "\n".join(lines[-20:]))
        outcome = pickle.loads(res_path.read_bytes())
    if not outcome["ok"]:
        raise RuntimeError(f"the Moco child failed: {outcome['error']}\n{outcome['traceback']}")
    return outcome["value"], lines


# ---------------------------------------------------------------------------------------------------------------
# the parent: stridesim's side and the comparison
def _arrays(problem, w: np.ndarray, tau_a: float, tau_d: float, smoothing: float) -> dict:
    """A stridesim NLP point as plain arrays (physical units, stridesim's order), with the Moco excitations
    that reach its activation rates."""
    layout, n = problem.layout, problem.n
    _, _, x, u, duration = problem.scheme.unpack(layout, n, w)
    s = layout.slices
    a, da = x[:, s["activation"]], u[:, s["activation_rate"]]
    return {"time": np.linspace(0.0, duration, n + 1), "q": x[:, s["q"]], "qd": x[:, s["qd"]],
            "a": a, "ft": x[:, s["tendon_force"]], "qdd": u[:, s["acceleration"]], "dft": u[:, s["tendon_force_rate"]],
            "reserves": u[:, s["reserves"]], "excitation": excitation_for_rate(a, da, tau_a, tau_d, smoothing),
            "da": da}


def _point(problem, data: dict, tau_a: float, tau_d: float, smoothing: float) -> np.ndarray:
    """A stridesim NLP point from Moco's arrays; the activation rates are Moco's (its ODE at its excitations),
    so the activation collocation defects hold as Moco's own did. Resampled onto the uniform mesh."""
    layout, n = problem.layout, problem.n
    t = data["time"]
    grid = np.linspace(t[0], t[-1], n + 1)

    def on_grid(arr: np.ndarray) -> np.ndarray:
        return np.column_stack([np.interp(grid, t, arr[:, j]) for j in range(arr.shape[1])]) if arr.size else arr

    a = on_grid(data["a"])
    da = moco_activation_rate(on_grid(data["excitation"]), a, tau_a, tau_d, smoothing)
    x = np.column_stack([on_grid(data["q"]), on_grid(data["qd"]), a, on_grid(data["ft"])])
    u = np.column_stack([on_grid(data["qdd"]), da, on_grid(data["dft"]), on_grid(data["reserves"])])
    return np.concatenate([(x / layout.sx).ravel(), (u / layout.su).ravel(), [(t[-1] - t[0]) / layout.s_time]])


def _violations(problem, g_function, w: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """The largest violation of each kind of stridesim constraint at point ``w`` (the NLP's scaled units;
    ``dynamics residual`` in N m)."""
    tr = problem.transcription
    g = np.asarray(g_function(w, p)).ravel()
    excess = np.maximum(tr.lbg - g, 0.0) + np.maximum(g - tr.ubg, 0.0)
    out: dict[str, float] = {}
    for (label, _node), value in zip(tr.labels, excess, strict=True):
        kind = label.split(" of ")[0].split(" at ")[0]
        out[kind] = max(out.get(kind, 0.0), float(value))
    if "dynamics residual" in out:
        out["dynamics residual"] *= 100.0  # the rows are scaled by 1/100 (N m)
    return out


def _rms_angles(problem, trajectory_a, trajectory_b) -> dict:
    """RMS differences (deg) of the rotational coordinates: over one full cycle from right heel strike,
    resampled to 0..100 % (each stride's own strike), and node by node over the simulated half stride."""
    from sim.model.spec import COORDINATES
    from sim.stride.variables import ROTATIONAL

    names = [COORDINATES[i] for i in ROTATIONAL]
    percent = np.linspace(0, 100, 101)

    def cycle(trajectory) -> np.ndarray:
        full = trajectory.full_stride(problem.model)
        return np.column_stack([np.interp(percent, full.cycle_percent, np.degrees(full.q[:, i])) for i in ROTATIONAL])

    d_cycle = cycle(trajectory_a) - cycle(trajectory_b)
    d_nodes = np.degrees(trajectory_a.q[:, ROTATIONAL] - trajectory_b.q[:, ROTATIONAL])
    return {"cycle_from_right_strike": {"per_angle_deg": dict(zip(names, np.sqrt((d_cycle ** 2).mean(0)).round(3).tolist(),
                                                                  strict=True)),
                                        "all_angles_deg": round(float(np.sqrt((d_cycle ** 2).mean())), 3)},
            "half_stride_by_node": {"per_angle_deg": dict(zip(names, np.sqrt((d_nodes ** 2).mean(0)).round(3).tolist(),
                                                              strict=True)),
                                    "all_angles_deg": round(float(np.sqrt((d_nodes ** 2).mean())), 3)}}


_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
_NUMBER = r"[-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?"


def parse_moco_output(lines: list[str]) -> dict:
    """What Moco's solve printed and its MocoSolution does not carry: IPOPT's own time, its final unscaled
    constraint violation, the objective per iteration, CasADi's wall time per function and Moco's thread count."""
    out: dict = {"ipopt_s": None, "constraint_violation_unscaled": None, "objective_history": [],
                 "function_wall_s": {}, "threads": None}
    iteration = re.compile(rf"^\s*(\d+)r?\s+({_NUMBER})\s+({_NUMBER})\s+({_NUMBER})\s")
    timing = re.compile(rf"^\s*(\w+)\s*\|\s*{_NUMBER}\s*(\w+)\s*\(\s*{_NUMBER}\s*\w+\)\s*({_NUMBER})\s*(\w+)"
                        rf"\s*\(\s*{_NUMBER}\s*\w+\)\s*(\d+)\s*$")
    for line in lines:
        if match := re.search(rf"Total seconds in IPOPT[^=]*=\s*({_NUMBER})", line):
            out["ipopt_s"] = float(match.group(1))
        elif match := re.search(rf"Constraint violation\.+:\s*{_NUMBER}\s+({_NUMBER})", line):
            out["constraint_violation_unscaled"] = float(match.group(1))
        elif match := re.search(r"Number of threads:\s*(\d+)", line):
            out["threads"] = int(match.group(1))
        elif match := iteration.match(line):
            out["objective_history"].append(float(match.group(2)))
        elif (match := timing.match(line)) and match.group(4) in _UNITS:
            out["function_wall_s"][match.group(1)] = float(match.group(3)) * _UNITS[match.group(4)]
    return out


def _rounded(d: dict, digits: int = 6) -> dict:
    return {k: round(float(v), digits) for k, v in d.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=50)
    parser.add_argument("--max-iter", type=int, default=1000, help="IPOPT iterations at most, on both sides")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--moco-hessian", choices=("limited-memory", "exact"), default="limited-memory",
                        help="Moco's optim_hessian_approximation (default: Moco's default)")
    parser.add_argument("--no-range-stops", action="store_true", help="weight the range-stop goal 0 on both sides")
    parser.add_argument("--child", nargs=2, metavar=("REQUEST", "RESULT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.exit(child_main(*args.child))
    run(args)


def _moco_request(args: argparse.Namespace, problem, spec, model_path: Path, weights: dict, guess_point: np.ndarray,
                  solution_point: np.ndarray, smoothing: float) -> dict:
    """The Moco side's problem as plain data: stridesim's bounds, names, weights, guess and solution."""
    from sim.model.spec import COORDINATES
    from sim.stride.solve import DEFAULT_IPOPT
    from sim.stride.trajectory import mirror_permutation_name
    from sim.stride.variables import IX, TAU_ACT, TAU_DEACT

    layout = problem.layout
    blocks = {b.name: b for b in layout.states + layout.controls}
    coordinates, muscles = list(COORDINATES), list(problem.model.muscle_names)
    if any(other_side(name) != mirror_permutation_name(name) for name in coordinates + muscles):
        raise RuntimeError("the child's mirror rule is not stridesim's")

    def span(block: str) -> tuple[float, float]:
        return float(blocks[block].lower.min()), float(blocks[block].upper.max())

    q_b, qd_b = blocks["q"], blocks["qd"]
    return {
        "model_path": str(model_path), "intervals": problem.n, "max_iter": args.max_iter, "hessian": args.moco_hessian,
        "tolerance": DEFAULT_IPOPT["tol"], "constraint_tolerance": DEFAULT_IPOPT["constr_viol_tol"],
        "speed": SPEED, "time_bounds": tuple(layout.time_bounds), "coordinates": coordinates,
        "coordinate_bounds": {c: (float(q_b.lower[i]), float(q_b.upper[i])) for i, c in enumerate(coordinates)},
        "speed_bounds": {c: (float(qd_b.lower[i]), float(qd_b.upper[i])) for i, c in enumerate(coordinates)},
        "initial_zero": [coordinates[IX]], "free_periodicity": coordinates[IX],
        "muscles": muscles, "compliant": [muscles[i] for i in layout.compliant],
        "activation_bounds": span("activation"), "tendon_force_bounds": span("tendon_force"),
        "acceleration_bound": float(np.max(np.abs(span("acceleration")))), "tendon_rate_bounds": span("tendon_force_rate"),
        "reserve_coordinates": list(layout.reserve_coordinates), "reserve_bounds": span("reserves"),
        "weights": {k: weights[k] for k in ("effort", "reserves", "range_stop_torque")},
        "stops": [pm.coordinate for pm in spec.passive_moments_expanded() if pm.structure == "joint"],
        "guess": _arrays(problem, guess_point, TAU_ACT, TAU_DEACT, smoothing),
        "stridesim_solution": _arrays(problem, solution_point, TAU_ACT, TAU_DEACT, smoothing),
    }


def run(args: argparse.Namespace) -> None:
    """The parent: export the model, solve stridesim's side, then Moco's in a child, compare, write the JSON."""
    from sim.io.atomic import write_json
    from sim.model.knobs import apply_knobs
    from sim.model.spec import load_spec
    from sim.osim.bridge import run_opensim

    print("Moco side by side: where the two problems differ", flush=True)
    for k, text in enumerate(DIFFERENCES, 1):
        print(f"  {k}. {text}", flush=True)
    spec = load_spec()
    with tempfile.TemporaryDirectory(prefix="moco-side-by-side-") as tmp:
        model_path = Path(tmp) / "model.osim"
        t0 = time.perf_counter()
        run_opensim("export", spec=apply_knobs(spec, {}).model_dump(), path=str(model_path))
        print(f"exported the model to .osim ({time.perf_counter() - t0:.1f} s, OpenSim child process)", flush=True)
        results = _solve_both(args, spec, model_path)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_json(args.out, results)
    print(f"wrote {args.out}", flush=True)


def _solve_both(args: argparse.Namespace, spec, model_path: Path) -> dict:
    """stridesim's solve here (casadi is imported only from here on, in this process), Moco's in a child,
    and the comparison as the JSON's content."""
    import casadi as ca

    from sim.run.config import make_config
    from sim.run.starts import make_guess, start_plan
    from sim.stride import Solution, SolverReport, StrideProblem, classify
    from sim.stride.problem import DEFAULT_WEIGHTS
    from sim.stride.solve import DEFAULT_IPOPT
    from sim.stride.variables import TAU_ACT, TAU_DEACT

    n = args.intervals
    range_stop = 0.0 if args.no_range_stops else DEFAULT_WEIGHTS["range_stop_torque"]
    weights = {"effort": 1.0, "acceleration": 0.0, "activation_rate": 0.0, "tendon_rate": 0.0, "reserves": 1.0,
               "range_stop_torque": range_stop}
    t0 = time.perf_counter()
    problem = StrideProblem(spec, n_intervals=n, weights=weights, max_loaded_slip=None)
    solver = problem.solver.ipopt(args.max_iter, 0)
    build = time.perf_counter() - t0
    print(f"stridesim problem built ({n} intervals, {problem.transcription.n_w} variables): {build:.1f} s", flush=True)

    config = make_config()
    first = start_plan(config)[0]
    guess = make_guess(problem, config, spec, stride_time_scale=first.stride_time_scale)
    kvec = np.array(problem.model.knob_vector({}))
    p = np.concatenate([[SPEED], kvec])
    w0 = problem.solver.initial_point(guess, kvec)
    smoothing = 0.1  # DeGrooteFregly2016Muscle's default in 4.6; the child reports the model's value

    def progress(entry: dict) -> None:
        print(f"  stridesim | iteration {entry['iteration']}: objective {entry['objective']:.5f}, "
              f"infeasibility {entry['infeasibility']:.2e}, {entry['elapsed_s']:.1f} s", flush=True)

    print(f"stridesim: solving from the first start ({first.label}), at most {args.max_iter} iterations", flush=True)
    sol = problem.solve(SPEED, None, guess, max_iter=args.max_iter, print_level=0, report=progress)
    r = sol.report
    s_gait = classify(sol, model=problem.model).label
    print(f"stridesim: {r.status}, {r.iterations} iterations, {r.wall_time:.1f} s, objective {r.objective:.5f}, "
          f"gait {s_gait}", flush=True)
    stats = solver.stats()

    request = _moco_request(args, problem, spec, model_path, weights, w0, sol.point, smoothing)
    print(f"moco: solving in a child process (MocoCasADiSolver, {args.moco_hessian} Hessian), at most "
          f"{args.max_iter} iterations", flush=True)
    moco, lines = run_moco(request)
    printed = parse_moco_output(lines)
    divisor = {key: moco[key].pop("displacement_m")
               for key in ("objective_recomputed", "objective_of_guess", "objective_of_stridesim_solution")}
    m_status = moco["status"]
    m_converged = m_status in CONVERGED
    if moco["activation_dynamics_smoothing"] != [smoothing] or moco["activation_time_constants"] != [(TAU_ACT, TAU_DEACT)]:
        print(f"note: the Moco model's activation dynamics (smoothing {moco['activation_dynamics_smoothing']}, time "
              f"constants {moco['activation_time_constants']}) are not the ones assumed here", flush=True)

    # ---- each side's stride under the other's objective and constraints
    tr = problem.transcription
    active = [k for k in problem.goal_names if weights.get(k, 0.0) != 0.0]

    def stridesim_terms(w: np.ndarray) -> dict[str, float]:
        terms = dict(zip(problem.goal_names, np.asarray(tr.cost_function(w, p)).ravel(), strict=True))
        return {k: float(terms[k]) for k in active}

    w_moco = _point(problem, moco["solution"], TAU_ACT, TAU_DEACT, smoothing)
    m_traj = problem.solver.trajectory(w_moco, p, sol.trajectory.knobs)
    m_report = SolverReport(m_status, moco["iterations"], moco["solve_wall_s"], moco["objective"],
                            moco["objective_terms"])
    m_gait = classify(Solution(m_traj, m_report), model=problem.model).label
    g_function = ca.Function("g", [tr.nlp["x"], tr.nlp["p"]], [tr.nlp["g"]])
    a_sol, da_sol = request["stridesim_solution"]["a"], request["stridesim_solution"]["da"]
    rise = moco_activation_rate(np.ones_like(a_sol), a_sol, TAU_ACT, TAU_DEACT, smoothing)
    decay = moco_activation_rate(np.zeros_like(a_sol), a_sol, TAU_ACT, TAU_DEACT, smoothing)
    outside = float(np.mean((da_sol > rise + 1e-9) | (da_sol < decay - 1e-9)))

    evaluation = sum(stats.get(f"t_wall_{k}", 0.0) for k in ("nlp_f", "nlp_g", "nlp_grad_f", "nlp_jac_g", "nlp_hess_l"))
    stridesim_row = {
        "status": r.status, "converged": r.converged, "iterations": r.iterations, "build_s": round(build, 2),
        "solve_wall_s": round(r.wall_time, 3), "s_per_iteration": round(r.wall_time / max(r.iterations, 1), 4),
        "function_evaluations_s": round(evaluation, 3), "ipopt_internal_s": round(r.wall_time - evaluation, 3),
        "objective": round(r.objective, 6), "objective_terms": _rounded({k: r.objective_terms[k] for k in active}),
        "objective_history": [round(e["objective"], 6) for e in r.history],
        "duration_s": round(sol.trajectory.duration, 4), "cadence_steps_per_min": round(sol.trajectory.cadence, 1),
        "gait": s_gait, "constraint_violation": _rounded(_violations(problem, g_function, sol.point, p), 8),
        "threads": 1, "hessian": "exact"}
    ipopt_s, m_iter = printed["ipopt_s"], max(moco["iterations"], 1)
    m_evaluation = sum(printed["function_wall_s"].get(k, 0.0) for k in ("nlp_f", "nlp_g", "nlp_grad_f", "nlp_jac_g",
                                                                         "nlp_hess_l"))
    moco_row = {
        "status": m_status, "converged": m_converged, "success": moco["success"], "iterations": moco["iterations"],
        "setup_s": round(moco["setup_s"], 2), "solve_wall_s": round(moco["solve_wall_s"], 3),
        "solver_duration_s": round(moco["solver_duration_s"], 3),
        "s_per_iteration": round(moco["solve_wall_s"] / m_iter, 4),
        "ipopt_s": round(ipopt_s, 3) if ipopt_s is not None else None,
        "ipopt_s_per_iteration": round(ipopt_s / m_iter, 4) if ipopt_s is not None else None,
        "function_evaluations_s": round(m_evaluation, 3),
        "function_wall_s": _rounded(printed["function_wall_s"], 4),
        "objective": round(moco["objective"], 6), "objective_terms": _rounded(moco["objective_terms"]),
        "objective_terms_by_goal": _rounded(moco["moco_terms"], 9),
        "objective_recomputed_here": _rounded(moco["objective_recomputed"]),
        "objective_history": printed["objective_history"],
        "constraint_violation_unscaled": printed["constraint_violation_unscaled"],
        "duration_s": round(float(moco["solution"]["time"][-1] - moco["solution"]["time"][0]), 4),
        "cadence_steps_per_min": round(m_traj.cadence, 1), "gait_by_stridesim_classifier": m_gait,
        "hessian": args.moco_hessian, "threads": printed["threads"], "opensim_moco_parallel_env": moco["moco_parallel_env"],
        "activation_dynamics_smoothing": moco["activation_dynamics_smoothing"],
        "stop_split_max_abs_difference_Nm": moco["stop_split_max_abs_difference_Nm"], "opensim": moco["opensim_version"]}
    guess_s, guess_m = stridesim_terms(w0), moco["objective_of_guess"]
    on_moco, on_stridesim = stridesim_terms(w_moco), moco["objective_of_stridesim_solution"]

    def distance(w: np.ndarray) -> float:  # stridesim's divisor: speed x duration
        return SPEED * float(w[-1]) * problem.layout.s_time

    cross = {
        "objective_of_the_guess": {"stridesim": round(sum(guess_s.values()), 6), "moco": round(sum(guess_m.values()), 6),
                                   "stridesim_terms": _rounded(guess_s), "moco_terms": _rounded(guess_m),
                                   "stridesim_distance_m": round(distance(w0), 6),
                                   "moco_displacement_m": round(divisor["objective_of_guess"], 6)},
        "stridesim_objective_of_moco_solution": round(sum(on_moco.values()), 6),
        "stridesim_objective_terms_of_moco_solution": _rounded(on_moco),
        "moco_objective_of_stridesim_solution": round(sum(on_stridesim.values()), 6),
        "moco_objective_terms_of_stridesim_solution": _rounded(on_stridesim),
        "divisors_m": {"stridesim_solution": {"stridesim_distance": round(distance(sol.point), 6),
                                              "moco_displacement": round(divisor["objective_of_stridesim_solution"], 6)},
                       "moco_solution": {"stridesim_distance": round(distance(w_moco), 6),
                                         "moco_displacement": round(divisor["objective_recomputed"], 6)}},
        "stridesim_constraint_violation_at_moco_solution": _rounded(_violations(problem, g_function, w_moco, p), 8),
        "stridesim_activation_rates_outside_moco_reach": round(outside, 4)}
    comparison = {
        "rms_angle_difference": _rms_angles(problem, sol.trajectory, m_traj),
        "objective_relative_difference": round((moco["objective"] - r.objective) / abs(r.objective), 6)
        if r.objective else None,
        "duration_difference_s": round(moco_row["duration_s"] - stridesim_row["duration_s"], 4),
        "wall_time_ratio_moco_to_stridesim": round(moco["solve_wall_s"] / max(r.wall_time, 1e-9), 1),
        "s_per_iteration_ratio_moco_to_stridesim": round(moco_row["s_per_iteration"]
                                                         / max(stridesim_row["s_per_iteration"], 1e-9), 1)}
    not_converged = [f"{side}: {status}" for side, status, ok in (("stridesim", r.status, r.converged),
                                                                   ("moco", m_status, m_converged)) if not ok]
    stops = request["stops"]
    formulation = {
        "model": "the default model exported to .osim (sim.osim.tasks.export, default knobs)", "speed_m_per_s": SPEED,
        "intervals": n, "transcription": "trapezoidal", "half_stride_mirror_symmetric": True,
        "skeletal_dynamics": "implicit", "tendon_dynamics": f"implicit ({', '.join(request['compliant'])})",
        "duration_bounds_s": list(problem.layout.time_bounds),
        "reserves": {"coordinates": request["reserve_coordinates"], "bound_Nm": request["reserve_bounds"][1]},
        "stridesim_weights": weights, "stridesim_max_loaded_slip": None,
        "moco_goals": {"effort": "MocoSumSquaredStateGoal '.*/activation', per displacement",
                       "reserves": "MocoControlGoal on reserve_<coordinate> (muscle excitations weight 0), per displacement",
                       "range_stop_torque": (f"one MocoOutputGoal stop_<coordinate>|force_magnitude, exponent 2, per "
                                             f"displacement, for {', '.join(stops)}") if range_stop else "off",
                       "symmetry": "MocoPeriodicityGoal, mirrored state pairs, endpoint constraint",
                       "speed": f"MocoAverageSpeedGoal {SPEED} m/s, endpoint constraint"},
        "initial_guess": f"stridesim's first start ({first.label}) as stridesim's initial point: activations 0.1, "
                         "tendon forces at equilibrium, reserves 0; Moco's excitations = activations (da/dt 0)",
        "ipopt_max_iter": args.max_iter, "tol": DEFAULT_IPOPT["tol"], "constr_viol_tol": DEFAULT_IPOPT["constr_viol_tol"]}
    results = {
        "benchmark": "moco_side_by_side", "formulation": formulation, "differences": DIFFERENCES,
        "activation_rate_reach": [_rounded(row, 3) for row in activation_rate_reach(TAU_ACT, TAU_DEACT, smoothing)],
        "stridesim": stridesim_row, "moco": moco_row, "cross_evaluation": cross, "counts_as_result": not not_converged,
        "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
                    "python": platform.python_version(), "casadi": ca.__version__, "opensim": moco["opensim_version"]}}
    if not_converged:
        results["not_a_result_because"] = not_converged
        results["unconverged_comparison"] = comparison
    else:
        results["comparison"] = comparison
    _print_summary(stridesim_row, moco_row, cross, comparison, not_converged)
    return results


def _print_summary(stridesim_row: dict, moco_row: dict, cross: dict, comparison: dict, not_converged: list[str]) -> None:
    """The outcome in a few lines."""
    print("", flush=True)
    for side, row in (("stridesim", stridesim_row), ("moco", moco_row)):
        print(f"{side}: {row['status']}, {row['iterations']} iterations, {row['solve_wall_s']} s "
              f"({row['s_per_iteration']} s per iteration; function evaluations {row['function_evaluations_s']} s), "
              f"objective {row['objective']}, duration {row['duration_s']} s", flush=True)
    if moco_row["ipopt_s"] is not None:
        print(f"moco: {moco_row['ipopt_s']} s inside IPOPT ({moco_row['ipopt_s_per_iteration']} s per iteration); "
              f"study setup {moco_row['setup_s']} s", flush=True)
    print(f"the guess: stridesim's objective {cross['objective_of_the_guess']['stridesim']}, Moco's "
          f"{cross['objective_of_the_guess']['moco']}", flush=True)
    print(f"cross: stridesim's objective of Moco's stride {cross['stridesim_objective_of_moco_solution']}, "
          f"Moco's objective of stridesim's stride {cross['moco_objective_of_stridesim_solution']}", flush=True)
    print(f"stridesim's constraints at Moco's stride (largest violation of each kind; dynamics residual in N m): "
          f"{cross['stridesim_constraint_violation_at_moco_solution']}; Moco's own largest unscaled violation "
          f"{moco_row['constraint_violation_unscaled']}", flush=True)
    rms = comparison["rms_angle_difference"]
    label = "comparison" if not not_converged else f"comparison (NOT a result: {'; '.join(not_converged)})"
    print(f"{label}: RMS angle difference {rms['cycle_from_right_strike']['all_angles_deg']} deg over the cycle from "
          f"right heel strike, {rms['half_stride_by_node']['all_angles_deg']} deg node by node", flush=True)


if __name__ == "__main__":
    main()
