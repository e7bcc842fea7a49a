"""Model calibration: the simulated Thomas test and the rules that set tendon slack lengths and
passive fibre stiffness (``python -m sim.calibration`` prints the rules' values)."""
