"""One configured stride optimization: its configuration, multi-start solve and run folder."""
