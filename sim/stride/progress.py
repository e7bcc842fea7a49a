"""Live progress of an IPOPT solve and a clean Ctrl-C, through CasADi's iteration callback."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import casadi as ca
import numpy as np


class IterationMonitor(ca.Callback):
    """Called by IPOPT after every iteration: reports progress; stops the solve after Ctrl-C.

    Returning nonzero from the callback makes IPOPT end with ``User_Requested_Stop``, so an
    interrupted solve still returns normally and its (unconverged) status can be written.
    """

    def __init__(self, n_x: int, n_g: int, n_p: int, report: Callable[[dict], None] | None = None):
        ca.Callback.__init__(self)
        self.n_x, self.n_g, self.n_p = n_x, n_g, n_p
        self.report = report
        self.lbg = np.full(n_g, -np.inf)
        self.ubg = np.full(n_g, np.inf)
        self.iteration = 0
        self.start = time.perf_counter()
        self.interrupted = False
        self.history: list[dict] = []
        self.construct("iteration_monitor", {})

    # --- CasADi Callback protocol: the inputs are nlpsol's outputs
    def get_n_in(self):
        return ca.nlpsol_n_out()

    def get_n_out(self):
        return 1

    def get_name_in(self, i):
        return ca.nlpsol_out(i)

    def get_name_out(self, i):
        return "ret"

    def get_sparsity_in(self, i):
        name = ca.nlpsol_out(i)
        if name == "f":
            return ca.Sparsity.scalar()
        if name in ("x", "lam_x"):
            return ca.Sparsity.dense(self.n_x)
        if name in ("g", "lam_g"):
            return ca.Sparsity.dense(self.n_g)
        if name in ("p", "lam_p"):
            return ca.Sparsity.dense(self.n_p)
        return ca.Sparsity(0, 0)

    def reset(self, lbg: np.ndarray, ubg: np.ndarray) -> None:
        self.lbg, self.ubg = np.asarray(lbg), np.asarray(ubg)
        self.iteration, self.start, self.interrupted, self.history = 0, time.perf_counter(), False, []

    def eval(self, arg):
        g = np.asarray(arg[ca.nlpsol_out().index("g")]).ravel()
        infeasibility = float(np.max(np.maximum(self.lbg - g, 0) + np.maximum(g - self.ubg, 0), initial=0.0))
        entry = {"iteration": self.iteration, "objective": float(arg[ca.nlpsol_out().index("f")]),
                 "infeasibility": infeasibility, "elapsed_s": time.perf_counter() - self.start}
        self.history.append(entry)
        if self.report is not None:
            self.report(entry)
        self.iteration += 1
        return [1 if self.interrupted else 0]


class CatchInterrupt:
    """Within the block, Ctrl-C asks ``monitor`` to stop IPOPT instead of killing the process."""

    def __init__(self, monitor: IterationMonitor):
        self.monitor = monitor
        self.previous = None

    def __enter__(self):
        def handler(signum, frame):
            if self.monitor.interrupted:  # second Ctrl-C: give up at once
                raise KeyboardInterrupt
            self.monitor.interrupted = True

        try:
            self.previous = signal.signal(signal.SIGINT, handler)
        except ValueError:  # not the main thread: no signal handling
            self.previous = None
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False
