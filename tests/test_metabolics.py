"""Smoothed Bhargava (2004) metabolic model: limiting values of the smooth switches."""

from __future__ import annotations

import numpy as np
import pytest

from sim.cas import metabolics


def test_length_dependence_is_bhargavas_piecewise_curve() -> None:
    x = np.array([0.3, 0.8, 1.25, 2.0])
    got = np.array([float(metabolics.fibre_length_dependence(v, smoothing=200.0)) for v in x])
    assert got == pytest.approx([0.5, 0.8, 0.5, 0.0], abs=1e-3)


def test_isometric_rate_is_activation_plus_maintenance_heat() -> None:
    mass = float(metabolics.muscle_masses([1000.0], [0.1])[0])  # 0.424 kg
    assert mass == pytest.approx(1000.0 / 0.25e6 * 1059.7 * 0.1)
    total, act, maint, short, work = (float(v) for v in metabolics.bhargava2004_rates(
        1.0, 1.0, 1.0, 0.0, 1000.0, 0.0, 1000.0, mass, 1.0))
    assert act == pytest.approx(40.0 * mass)
    assert maint == pytest.approx(74.0 * mass, rel=1e-3)
    assert work == pytest.approx(0.0)
    assert total == pytest.approx(act + maint + short, rel=1e-6)


def test_shortening_adds_positive_work_and_rate_stays_non_negative() -> None:
    mass = float(metabolics.muscle_masses([1000.0], [0.1])[0])
    shortening = float(metabolics.bhargava2004_rates(0.5, 0.5, 1.0, -0.5, 400.0, 0.0, 1000.0, mass, 0.5)[0])
    isometric = float(metabolics.bhargava2004_rates(0.5, 0.5, 1.0, 0.0, 500.0, 0.0, 1000.0, mass, 0.5)[0])
    assert shortening > isometric + 0.9 * 400.0 * 0.5  # work 200 W plus shortening heat
    lengthening = float(metabolics.bhargava2004_rates(0.0, 0.01, 1.0, 2.0, 1000.0, 0.0, 1000.0, mass, 0.5)[0])
    assert lengthening >= 0.99 * metabolics.MIN_HEAT_RATE * mass


def test_fibre_types_cover_every_model_muscle() -> None:
    from sim.model.spec import load_spec

    names = [m.name for m in load_spec().muscles_expanded()]
    ratios = metabolics.slow_twitch_fractions(names)
    assert ratios.shape == (len(names),) and np.all((ratios > 0) & (ratios < 1))
