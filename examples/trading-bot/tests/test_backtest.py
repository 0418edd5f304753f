"""Unit tests of the backtester's accounting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tradingbot.backtest import max_drawdown, run_backtest, sharpe_ratio
from tradingbot.prices import Bar


@dataclass(frozen=True)
class Always:
    position: int
    name: str = "always"

    def positions(self, closes: list[float]) -> list[int]:
        return [self.position] * len(closes)


def series(*closes: float) -> list[Bar]:
    return [Bar(dt.date(2024, 1, 1) + dt.timedelta(days=i), c) for i, c in enumerate(closes)]


def test_holding_long_earns_the_price_move_less_one_fee() -> None:
    result = run_backtest(series(100, 110, 121), Always(1), fee_bps=10)
    assert result.trades == 1
    assert result.total_return == pytest.approx((1.1 - 0.001) * 1.1 - 1)


def test_short_gains_when_prices_fall_and_flat_never_trades() -> None:
    assert run_backtest(series(100, 90), Always(-1), fee_bps=0).total_return == pytest.approx(0.1)
    flat = run_backtest(series(100, 90, 120), Always(0))
    assert (flat.trades, flat.total_return, flat.exposure) == (0, 0.0, 0.0)


def test_drawdown_is_measured_from_the_running_peak() -> None:
    assert max_drawdown([100, 120, 90, 130, 65]) == pytest.approx(0.5)
    assert max_drawdown([100, 101, 102]) == 0.0


def test_sharpe_is_zero_without_variation() -> None:
    assert sharpe_ratio([0.01, 0.01, 0.01]) == 0.0
    assert sharpe_ratio([0.01, -0.005, 0.02]) > 0


def test_a_strategy_returning_the_wrong_length_is_an_error() -> None:
    @dataclass(frozen=True)
    class Short:
        name: str = "short"

        def positions(self, closes: list[float]) -> list[int]:
            return [1]

    with pytest.raises(ValueError, match="returned 1 positions for 3 prices"):
        run_backtest(series(1, 2, 3), Short())
