"""Signal generators. Each returns +1 (long), -1 (short) or 0 (flat) per bar."""
from __future__ import annotations

from typing import Sequence


def moving_average(prices: Sequence[float], window: int) -> list[float | None]:
    if window <= 0:
        raise ValueError("window must be positive")
    out: list[float | None] = []
    total = 0.0
    for i, p in enumerate(prices):
        total += p
        if i >= window:
            total -= prices[i - window]
        out.append(total / window if i >= window - 1 else None)
    return out


def crossover(prices: Sequence[float], fast: int = 3, slow: int = 5) -> list[int]:
    if fast >= slow:
        raise ValueError("fast window must be shorter than slow window")
    f, s = moving_average(prices, fast), moving_average(prices, slow)
    return [0 if a is None or b is None else (1 if a > b else -1 if a < b else 0) for a, b in zip(f, s)]


def mean_reversion(prices: Sequence[float], window: int = 5, band: float = 0.02) -> list[int]:
    avg = moving_average(prices, window)
    signals = []
    for p, m in zip(prices, avg):
        if m is None:
            signals.append(0)
        elif p < m * (1 - band):
            signals.append(1)
        elif p > m * (1 + band):
            signals.append(-1)
        else:
            signals.append(0)
    return signals
