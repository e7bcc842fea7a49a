"""Files: OpenSim Storage tables and atomic writes (every file stridesim writes goes through here)."""
