"""``python -m sim`` is the ``stridesim`` command."""

from sim.cli.main import app

app()
