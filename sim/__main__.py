"""``python -m sim`` is the ``stridesim`` command."""

from sim.cli import app

app()
