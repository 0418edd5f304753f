"""Unit tests of the strategies' signals on hand-made prices."""

from __future__ import annotations

import pytest

from tradingbot.prices import Bar
from tradingbot.strategies import (
    MeanReversion,
    Momentum,
    SmaCrossover,
    make_strategy,
    moving_average,
)


def test_moving_average_waits_for_a_full_window() -> None:
    assert moving_average([1, 2, 3, 4], 2) == [None, 1.5, 2.5, 3.5]


def test_sma_crossover_is_long_in_an_uptrend_and_flat_in_a_downtrend() -> None:
    up = [float(i) for i in range(1, 41)]
    down = list(reversed(up))
    strategy = SmaCrossover(fast=3, slow=10)
    assert strategy.positions(up)[-1] == 1
    assert strategy.positions(down)[-1] == 0
    assert strategy.positions(up)[:9] == [0] * 9


def test_momentum_goes_short_after_a_fall() -> None:
    closes = [100.0] * 5 + [90.0] * 5
    assert Momentum(lookback=3, threshold=0.05).positions(closes)[5:] == [-1, -1, -1, 0, 0]


def test_mean_reversion_buys_a_dip_and_exits_at_the_mean() -> None:
    closes = [100.0, 101.0] * 10 + [90.0, 100.5, 101.0]
    positions = MeanReversion(window=10, entry=1.5).positions(closes)
    assert positions[20] == 1
    assert positions[-1] == 0


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("sma_crossover", {"fast": 30, "slow": 10}, "fast < slow"),
        ("momentum", {"lookback": 0}, "lookback >= 1"),
        ("pairs", {}, "unknown strategy 'pairs'"),
        ("momentum", {"window": 3}, "unexpected keyword"),
    ],
)
def test_bad_parameters_are_rejected_by_name(
    kind: str, params: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        make_strategy(kind, params)


def test_every_strategy_gives_one_position_per_price(bars: list[Bar]) -> None:
    closes = [b.close for b in bars]
    for kind in ("sma_crossover", "momentum", "mean_reversion"):
        positions = make_strategy(kind, {}).positions(closes)
        assert len(positions) == len(closes)
        assert set(positions) <= {-1, 0, 1}
