"""Predictive running-stride optimization (direct collocation, CasADi + IPOPT)."""

from sim.stride.classify import GaitClass, classify
from sim.stride.guess import StrideGuess, data_guess, standing_guess
from sim.stride.problem import StrideProblem, StrideSolution

__all__ = ["GaitClass", "StrideGuess", "StrideProblem", "StrideSolution", "classify", "data_guess",
           "standing_guess"]
