"""Results of stride optimizations: full-stride data, OpenSim files, metrics, run folders."""
