"""Figures (matplotlib, headless)."""
