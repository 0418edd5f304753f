import pytest

from tradingbot import strategies


def test_moving_average_window():
    assert strategies.moving_average([1, 2, 3, 4], 2) == [None, 1.5, 2.5, 3.5]


def test_crossover_rejects_bad_windows():
    with pytest.raises(ValueError):
        strategies.crossover([1, 2, 3], fast=5, slow=3)


def test_mean_reversion_buys_below_band():
    prices = [100, 100, 100, 100, 90]
    assert strategies.mean_reversion(prices, window=5, band=0.02)[-1] == 1
