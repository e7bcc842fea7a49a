"""Parameter sweeps: grids over knobs (and speed), warm starts, local processes or Dask, resume."""
