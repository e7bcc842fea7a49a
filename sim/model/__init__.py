"""The model definition: the validated spec, planar geometry, scaling rules and knobs (no rendering)."""
