"""OpenSim tasks run by the child worker. Inputs and outputs are plain data (dicts, arrays)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import opensim as osim

from sim.model.spec import COORDINATES, ModelSpec
from sim.osim.build import export_osim

TASKS = ("version", "export", "evaluate_states", "read_parameters", "scale_to_static_trial",
         "static_marker_errors", "time_inverse_dynamics", "inverse_dynamics_residuals", "node_residuals",
         "joint_reactions", "mass_centers")


def version() -> str:
    return osim.__version__


def export(spec: dict, path: str) -> str:
    return str(export_osim(ModelSpec.model_validate(spec), path))


def read_parameters(path: str) -> dict:
    """Parameters read back from a .osim file (for the round-trip test and the parameter table)."""
    model = osim.Model(path)
    model.initSystem()
    bodies = {}
    for b in model.getBodySet():
        inertia = b.getInertia().getMoments()
        bodies[b.getName()] = {"mass": b.getMass(), "com": [b.getMassCenter()[i] for i in range(3)],
                               "inertia": [inertia[i] for i in range(3)]}
    muscles = {}
    for m in model.getMuscles():
        dgf = osim.DeGrooteFregly2016Muscle.safeDownCast(m)
        path = osim.GeometryPath.safeDownCast(m.getPath())
        points = path.getPathPointSet()
        muscles[m.getName()] = {
            "max_isometric_force": m.getMaxIsometricForce(),
            "optimal_fiber_length": m.getOptimalFiberLength(),
            "tendon_slack_length": m.getTendonSlackLength(),
            "pennation_angle": m.getPennationAngleAtOptimalFiberLength(),
            "compliant_tendon": not m.get_ignore_tendon_compliance(),
            "passive_fiber_strain_at_one_norm_force": dgf.get_passive_fiber_strain_at_one_norm_force(),
            "path": [(points.get(i).getParentFrame().getName(),
                      [osim.PathPoint.safeDownCast(points.get(i)).get_location()[k] for k in range(3)])
                     for i in range(points.getSize())],
        }
    markers = {mk.getName(): (mk.getParentFrameName().split("/")[-1],
                              [mk.get_location()[i] for i in range(3)]) for mk in model.getMarkerSet()}
    coordinates = {c.getName(): (c.getRangeMin(), c.getRangeMax()) for c in model.getCoordinateSet()}
    return {"bodies": bodies, "muscles": muscles, "markers": markers, "coordinates": coordinates,
            "n_forces": model.getForceSet().getSize()}


def _speed_order(model: osim.Model, state: osim.State) -> list[int]:
    """For each name in COORDINATES, its index in the state's U vector (probed, not assumed)."""
    order = []
    coordinate_set = model.getCoordinateSet()
    for name in COORDINATES:
        coord = coordinate_set.get(name)
        state.setU(osim.Vector(state.getNU(), 0.0))
        coord.setSpeedValue(state, 1.0)
        u = state.getU()
        order.append(next(i for i in range(state.getNU()) if u[i] == 1.0))
    state.setU(osim.Vector(state.getNU(), 0.0))
    return order


def _set_state(model, state, order, q, qd) -> None:
    coordinate_set = model.getCoordinateSet()
    for i, name in enumerate(COORDINATES):
        coordinate_set.get(name).setValue(state, float(q[i]), False)
    u = osim.Vector(state.getNU(), 0.0)
    for i, idx in enumerate(order):
        u[idx] = float(qd[i])
    state.setU(u)


def _inverse_dynamics(model, state, order, qdd) -> np.ndarray:
    udot = osim.Vector(state.getNU(), 0.0)
    for i, idx in enumerate(order):
        udot[idx] = float(qdd[i])
    tau = osim.InverseDynamicsSolver(model).solve(state, udot)
    return np.array([tau[idx] for idx in order])


def _load(path: str, enabled: str) -> osim.Model:
    """Load the .osim; keep only forces of kind ``enabled`` ('none', 'passive_contact', 'all')."""
    model = osim.Model(path)
    for force in model.getForceSet():
        is_muscle = osim.Muscle.safeDownCast(force) is not None
        keep = enabled == "all" or (enabled == "passive_contact" and not is_muscle)
        force.set_appliesForce(keep)
    model.initSystem()
    return model


def evaluate_states(spec: dict, q: np.ndarray, qd: np.ndarray, qdd: np.ndarray,
                    activation: np.ndarray, tendon_force: np.ndarray) -> dict:
    """Evaluate the exported .osim at many states (the reference for the CasADi rendering).

    The model goes through a .osim file and is reloaded, so the file itself is what is tested.
    """
    model_spec = ModelSpec.model_validate(spec)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(export_osim(model_spec, Path(tmp) / "model.osim"))
        skeleton = _load(path, "none")
        passive_contact = _load(path, "passive_contact")
        full = _load(path, "all")
    n = q.shape[0]
    muscles = [osim.DeGrooteFregly2016Muscle.safeDownCast(m) for m in full.getMuscles()]
    names = [m.getName() for m in muscles]
    contact_forces = [osim.SmoothSphereHalfSpaceForce.safeDownCast(f) for f in full.getForceSet()
                      if osim.SmoothSphereHalfSpaceForce.safeDownCast(f) is not None]
    out = {k: [] for k in ("skeleton_id", "passive_contact_id", "lmt", "vmt", "moment_arms",
                           "tendon_force", "active_fiber_force", "passive_fiber_force",
                           "norm_fiber_length", "norm_fiber_velocity", "dft", "sphere_force")}
    states = {m: m.initSystem() for m in (skeleton, passive_contact, full)}
    orders = {m: _speed_order(m, s) for m, s in states.items()}
    coordinate_set = full.getCoordinateSet()
    for k in range(n):
        for model in (skeleton, passive_contact, full):
            _set_state(model, states[model], orders[model], q[k], qd[k])
        out["skeleton_id"].append(_inverse_dynamics(skeleton, states[skeleton], orders[skeleton], qdd[k]))
        out["passive_contact_id"].append(
            _inverse_dynamics(passive_contact, states[passive_contact], orders[passive_contact], qdd[k]))
        s = states[full]
        for j, m in enumerate(muscles):
            m.setActivation(s, float(activation[k, j]))
            if not m.get_ignore_tendon_compliance():
                m.setNormalizedTendonForce(s, float(tendon_force[k, j]))
        full.realizeDynamics(s)
        out["lmt"].append([m.getLength(s) for m in muscles])
        out["vmt"].append([m.getLengtheningSpeed(s) for m in muscles])
        out["moment_arms"].append([[m.computeMomentArm(s, coordinate_set.get(c)) for c in COORDINATES]
                                   for m in muscles])
        out["tendon_force"].append([m.getTendonForce(s) for m in muscles])
        out["active_fiber_force"].append([m.getActiveFiberForce(s) for m in muscles])
        out["passive_fiber_force"].append([m.getPassiveFiberForce(s) for m in muscles])
        out["norm_fiber_length"].append([m.getNormalizedFiberLength(s) for m in muscles])
        out["norm_fiber_velocity"].append([m.getNormalizedFiberVelocity(s) for m in muscles])
        out["dft"].append([0.0 if m.get_ignore_tendon_compliance()
                           else m.getNormalizedTendonForceDerivative(s) for m in muscles])
        out["sphere_force"].append([[f.getRecordValues(s).get(i) for i in range(3)]
                                    for f in contact_forces])
    result = {key: np.asarray(value) for key, value in out.items()}
    result["muscle_names"] = names
    result["sphere_names"] = [f.getName() for f in contact_forces]
    return result


def scale_to_static_trial(spec: dict, trc_path: str, mass: float, out_dir: str) -> dict:
    """OpenSim ScaleTool on a static trial (see sim.osim.scale_tool)."""
    from sim.osim.scale_tool import scale_to_static_trial as run

    return run(ModelSpec.model_validate(spec), trc_path, mass, out_dir)


def static_marker_errors(spec: dict, trc_path: str, out_dir: str) -> dict:
    """Per-marker inverse-kinematics errors of a model on a static trial."""
    from sim.osim.scale_tool import marker_errors

    return marker_errors(ModelSpec.model_validate(spec), trc_path, out_dir)


def time_inverse_dynamics(spec: dict, seconds: float = 3.0) -> dict:
    """States per second of InverseDynamicsSolver on the exported model (all forces on)."""
    import time

    model_spec = ModelSpec.model_validate(spec)
    with tempfile.TemporaryDirectory() as tmp:
        model = _load(str(export_osim(model_spec, Path(tmp) / "model.osim")), "all")
    state = model.initSystem()
    order = _speed_order(model, state)
    rng = np.random.default_rng(0)
    q = np.zeros(len(COORDINATES))
    q[COORDINATES.index("pelvis_ty")] = 0.93
    solver = osim.InverseDynamicsSolver(model)
    udot = osim.Vector(state.getNU(), 0.0)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        _set_state(model, state, order, q, rng.normal(0, 1, len(COORDINATES)))
        solver.solve(state, udot)
        n += 1
    return {"rate": n / (time.perf_counter() - start), "version": osim.__version__}


def inverse_dynamics_residuals(model_path: str, kinematics: str, external_loads: str, out_dir: str) -> dict:
    """OpenSim's InverseDynamicsTool on a result's .mot and GRF; returns pelvis residuals.

    All model forces (muscles, passive moments, contact spheres) are excluded: the measured-
    style workflow, where the ground reaction forces come from the external-loads file.
    """
    model = osim.Model(model_path)
    model.initSystem()
    kin = osim.Storage(kinematics)
    tool = osim.InverseDynamicsTool()
    tool.setModel(model)
    tool.setCoordinatesFileName(kinematics)
    tool.setExternalLoadsFileName(external_loads)
    tool.setLowpassCutoffFrequency(-1.0)
    tool.setStartTime(kin.getFirstTime())
    tool.setEndTime(kin.getLastTime())
    excluded = osim.ArrayStr()
    excluded.append("All")
    tool.setExcludedForces(excluded)
    tool.setResultsDir(out_dir)
    tool.setOutputGenForceFileName("inverse_dynamics.sto")
    if not tool.run():
        raise RuntimeError("InverseDynamicsTool failed")
    table = osim.TimeSeriesTable(str(Path(out_dir) / "inverse_dynamics.sto"))
    out = {"time": np.array(table.getIndependentColumn())}
    for label in ("pelvis_tx_force", "pelvis_ty_force", "pelvis_tilt_moment"):
        out[label] = table.getDependentColumn(label).to_numpy()
    return out


def node_residuals(model_path: str, q: np.ndarray, qd: np.ndarray, qdd: np.ndarray) -> np.ndarray:
    """Generalized forces OpenSim needs at each node with contact and passive forces on and
    muscles off: on the pelvis rows this is the residual the motion leaves unexplained."""
    model = _load(model_path, "passive_contact")
    state = model.initSystem()
    order = _speed_order(model, state)
    out = []
    for k in range(q.shape[0]):
        _set_state(model, state, order, q[k], qd[k])
        out.append(_inverse_dynamics(model, state, order, qdd[k]))
    return np.array(out)


def joint_reactions(model_path: str, q: np.ndarray, qd: np.ndarray, qdd: np.ndarray, muscle_names: list[str],
                    muscle_force: np.ndarray, joints: list[str]) -> dict:
    """OpenSim's joint reaction forces for a stride (the reference for :mod:`sim.results.loads`).

    Muscles apply the given tendon forces (overridden actuation), contact and passive forces act
    as modelled, and a coordinate actuator on every coordinate supplies what inverse dynamics
    says is missing, so that the realized accelerations equal ``qdd``; then each joint's reaction
    on its child (force, ground frame) is read as the JointReaction analysis reads it.
    """
    model = osim.Model(model_path)
    for name in COORDINATES:
        actuator = osim.CoordinateActuator(name)
        actuator.setName(f"reserve_{name}")
        actuator.setOptimalForce(1.0)
        model.addForce(actuator)
    state = model.initSystem()
    order = _speed_order(model, state)
    muscles = {m.getName(): m for m in model.getMuscles()}
    reserves = [osim.CoordinateActuator.safeDownCast(model.getForceSet().get(f"reserve_{name}")) for name in COORDINATES]
    for actuator in [*muscles.values(), *reserves]:
        actuator.overrideActuation(state, True)
    joint_set = model.getJointSet()
    out = {name: [] for name in joints}
    worst = 0.0
    for k in range(q.shape[0]):
        _set_state(model, state, order, q[k], qd[k])
        for j, name in enumerate(muscle_names):
            muscles[name].setOverrideActuation(state, float(muscle_force[k, j]))
        for actuator in reserves:
            actuator.setOverrideActuation(state, 0.0)
        model.realizeDynamics(state)
        tau = _inverse_dynamics(model, state, order, qdd[k])
        for actuator, value in zip(reserves, tau, strict=True):
            actuator.setOverrideActuation(state, float(value))
        model.realizeAcceleration(state)
        udot = state.getUDot()
        worst = max(worst, max(abs(udot[idx] - qdd[k][i]) for i, idx in enumerate(order)))
        for name in joints:
            force = joint_set.get(name).calcReactionOnChildExpressedInGround(state).get(1)
            out[name].append([force[0], force[1]])
    result = {name: np.array(v) for name, v in out.items()}
    result["max_acceleration_error"] = worst
    return result


def mass_centers(spec: dict, q: np.ndarray) -> np.ndarray:
    """The whole body's centre of mass (x, y in the ground frame, m) at each row of coordinates
    ``q``, as OpenSim computes it from the exported .osim (the reference for the study's foot placement)."""
    model_spec = ModelSpec.model_validate(spec)
    with tempfile.TemporaryDirectory() as tmp:
        model = _load(str(export_osim(model_spec, Path(tmp) / "model.osim")), "none")
    state = model.initSystem()
    order = _speed_order(model, state)
    out = []
    for row in np.atleast_2d(q):
        _set_state(model, state, order, row, np.zeros(len(COORDINATES)))
        model.realizePosition(state)
        com = model.calcMassCenterPosition(state)
        out.append([com[0], com[1]])
    return np.array(out)

