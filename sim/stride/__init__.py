"""Predictive running-stride optimization (direct collocation, CasADi + IPOPT).

:class:`StrideProblem` states the problem (variables, goals, path constraints, parameters);
the transcription turns it into an NLP; :class:`StrideSolver` solves it and returns a
:class:`Solution` (a :class:`Trajectory` and a :class:`SolverReport`).
"""

from sim.stride.classify import GaitClass, classify
from sim.stride.guess import StrideGuess, data_guess, standing_guess
from sim.stride.problem import StrideProblem
from sim.stride.solve import Solution, SolverReport, StrideSolver
from sim.stride.trajectory import Trajectory

__all__ = ["GaitClass", "Solution", "SolverReport", "StrideGuess", "StrideProblem", "StrideSolver", "Trajectory",
           "classify", "data_guess", "standing_guess"]
