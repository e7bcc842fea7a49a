"""Figures (matplotlib, headless: the Agg backend is chosen here, once, for every module below)."""

import matplotlib

matplotlib.use("Agg")
