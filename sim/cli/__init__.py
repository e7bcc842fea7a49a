"""The ``stridesim`` command line (typer); each command is a thin layer over :mod:`sim.apps` and below."""
