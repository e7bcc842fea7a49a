"""Child-process entry point for OpenSim tasks: ``python -m sim.osim.worker REQUEST RESULT``.

The request is a pickled dict ``{"task": name, "kwargs": {...}}``; the result is a pickled
dict ``{"ok": True, "value": ...}`` or ``{"ok": False, "error": str, "traceback": str}``.
Tasks receive specs as plain dicts (pydantic dumps) so nothing casadi-related is unpickled.
"""

from __future__ import annotations

import pickle
import sys
import traceback


def _tasks():
    import opensim

    opensim.Logger.removeFileSink()  # no opensim.log in the user's working directory
    from sim.osim import tasks

    return {name: getattr(tasks, name) for name in tasks.TASKS}


def main(argv: list[str]) -> int:
    request_path, result_path = argv
    with open(request_path, "rb") as fh:
        request = pickle.load(fh)
    try:
        value = _tasks()[request["task"]](**request["kwargs"])
        result = {"ok": True, "value": value}
    except Exception as exc:  # reported to the parent, which raises it there
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                  "traceback": traceback.format_exc()}
    with open(result_path, "wb") as fh:
        pickle.dump(result, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
