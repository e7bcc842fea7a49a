"""Transcriptions of the stride problem into an NLP; one module per scheme (the problem and the
model do not change when the scheme does). Each module offers ``transcribe``, ``variable_bounds``,
``variable_labels``, ``initial_point`` and ``unpack`` with the same arguments."""

from __future__ import annotations

from types import ModuleType

from sim.stride.transcription import bdf2, radau, trapezoidal

#: the schemes by the name a configuration gives them
SCHEMES: dict[str, ModuleType] = {"trapezoidal": trapezoidal, "bdf2": bdf2, "radau": radau}
DEFAULT_SCHEME = "trapezoidal"


def scheme(name: str) -> ModuleType:
    """The transcription module called ``name``; a clear error for any other name."""
    if name not in SCHEMES:
        raise ValueError(f"transcription must be one of {', '.join(SCHEMES)}, not {name!r}")
    return SCHEMES[name]
