"""A bar-by-bar backtest: holds the previous bar's signal over the next bar's return."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Result:
    total_return: float
    trades: int
    max_drawdown: float


def run(prices: Sequence[float], signals: Sequence[int], fee: float = 0.0005) -> Result:
    if len(prices) != len(signals):
        raise ValueError("prices and signals must have the same length")
    equity, peak, drawdown, trades, position = 1.0, 1.0, 0.0, 0, 0
    for i in range(1, len(prices)):
        if signals[i - 1] != position:
            trades += 1
            equity *= 1 - fee
            position = signals[i - 1]
        equity *= 1 + position * (prices[i] / prices[i - 1] - 1)
        peak = max(peak, equity)
        drawdown = max(drawdown, 1 - equity / peak)
    return Result(total_return=equity - 1, trades=trades, max_drawdown=drawdown)
