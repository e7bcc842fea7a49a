"""The study's claims on perturbed models: the strides the claims compare (the healthy corner and
each knob's far end) solved again on every perturbed model of models/uncertainty.toml, each
warm-started from the sweep's own stride, so a verdict is checked against the model's least
certain parameters.

``python -m sim.apps.ensemble SWEEP_DIR`` writes ``SWEEP_DIR/robustness/ensemble/<model>/<point>/``
(``<model>``: ``passive_hip_x0.8`` and so on; a combination joins its parts with ``+``), then every claim with all its checks
(``hypotheses.json``). Solved folders are kept: a second run solves only what is missing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.apps.robustness import _corner_folders
from sim.io.atomic import write_json

ENSEMBLE_DIR = "ensemble"
PERTURBATION_FILE = "perturbation.json"


def ensemble_dir(sweep_dir: Path) -> Path:
    return Path(sweep_dir) / "robustness" / ENSEMBLE_DIR


def solve_ensemble(sweep_dir: Path, uncertainty_file: Path | None = None,
                   log=print) -> dict[str, dict[str, bool]]:
    """Each corner on each perturbed model unless solved before: one start from the sweep's stride,
    then (if that fails) from the perturbed model's healthy stride and from the measured running;
    for each perturbed model, whether each corner is a result."""
    from sim.model.uncertainty import UNCERTAINTY_FILE, load_perturbations, model_label, model_spec, perturbed_models
    from sim.results.runfolder import RunFolder
    from sim.run.config import RunConfig
    from sim.run.runner import run_stride
    from sim.stride.problem import StrideProblem

    perturbations = load_perturbations(uncertainty_file or UNCERTAINTY_FILE)
    corners = _corner_folders(Path(sweep_dir))
    models = perturbed_models(uncertainty_file or UNCERTAINTY_FILE)
    out: dict[str, dict[str, bool]] = {}
    for k, model in enumerate(models, start=1):
        label = model_label(model)
        problem = None
        out[label] = {}
        healthy_target = ensemble_dir(sweep_dir) / label / corners["healthy"].name
        for corner, folder in corners.items():
            target = ensemble_dir(sweep_dir) / label / folder.name
            point = RunFolder(folder)
            spec = model_spec(point.spec(), model, perturbations)


            # the sweep's own stride first; if that start fails, the perturbed model's healthy
            # stride, then the measured running (as a sweep retries a failed point)
            guesses = [str(folder)] + ([str(healthy_target)] if corner != "healthy" else []) + ["data"]
            for guess in guesses:
                if _solved(target, spec):
                    break
                if guess == str(healthy_target) and not RunFolder(healthy_target).holds_result():
                    continue
                config = RunConfig.model_validate(point.config() | {
                    "starts": 1, "guess": guess, "name": f"ensemble/{label}/{folder.name}"})
                if problem is None:  # one problem per perturbed model: the corners differ only in their knobs
                    problem = StrideProblem(spec, n_intervals=config.n_intervals, symmetric=config.symmetric)
                log(f"[{k}/{len(models)}] {label}: solving {corner} ({folder.name}) from {guess}")
                status = run_stride(config, target, problem=problem, check_residuals=False, log=lambda m: None,
                                    overwrite=True)
                log(f"  {status['ipopt_status']}, {status['gait']['label']}")
                written = Path(status.get("written_to", target))
                parts = [{"name": name, "factor": factor, "acts_on": perturbations[name].acts_on,
                          "description": perturbations[name].description, "source": perturbations[name].source}
                         for name, factor in model]
                record = parts[0] if len(parts) == 1 else {"name": label, "parts": parts}
                write_json(written / PERTURBATION_FILE, record | {"from_point": str(folder), "guess": guess})
            out[label][corner] = _solved(target, spec)
    return out


def _solved(target: Path, spec) -> bool:
    """True if ``target`` holds a result of this very perturbed model (not of an edited file's)."""
    from sim.results.runfolder import RunFolder

    run = RunFolder(target)
    return run.holds_result() and run.spec().fingerprint() == spec.fingerprint()


def perturbed_models(sweep_dir: Path) -> list[Path]:
    """The perturbed models' folders solved for this sweep (sorted by name)."""
    root = ensemble_dir(sweep_dir)
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def main() -> None:
    from sim.apps.claim_study import evaluate, print_rows

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=Path)
    parser.add_argument("--uncertainty", type=Path, default=None, help="uncertainty file (default models/uncertainty.toml)")
    args = parser.parse_args()
    solved = solve_ensemble(args.sweep_dir, args.uncertainty)
    for label, corners in solved.items():
        print(f"{label}: " + ", ".join(f"{c} {'running' if ok else 'no result'}" for c, ok in corners.items()))
    print_rows(evaluate(args.sweep_dir))
    print(f"wrote {args.sweep_dir / 'hypotheses.json'}")


if __name__ == "__main__":
    main()
