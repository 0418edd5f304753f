"""Slow: parameter sweeps over twenty years of synthetic prices, run nightly."""

from __future__ import annotations

import pytest

from tradingbot.backtest import run_backtest
from tradingbot.prices import synthetic_prices
from tradingbot.strategies import SmaCrossover

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("seed", range(4))
def test_crossover_sweep_stays_within_sane_bounds(seed: int) -> None:
    bars = synthetic_prices(252 * 20, seed=seed)
    for fast in (5, 10, 20):
        for slow in (30, 60, 120):
            result = run_backtest(bars, SmaCrossover(fast=fast, slow=slow))
            assert 0 <= result.max_drawdown < 1
            assert result.equity[-1] > 0
            assert 0 < result.exposure < 1
