"""``python -m sim.calibration``: print the calibration rules' values for the default model."""

from sim.calibration.rules import main

main()
