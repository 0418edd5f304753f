"""Strategies turn a price history into a target position for each day: 1 long, 0 flat, -1 short."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol


class Strategy(Protocol):
    """Anything that maps closes to positions of the same length."""

    @property
    def name(self) -> str: ...

    def positions(self, closes: list[float]) -> list[int]: ...


def moving_average(values: list[float], window: int) -> list[float | None]:
    """The trailing mean of `window` values; None until enough values exist."""
    out: list[float | None] = []
    total = 0.0
    for i, v in enumerate(values):
        total += v
        if i >= window:
            total -= values[i - window]
        out.append(total / window if i >= window - 1 else None)
    return out


@dataclass(frozen=True)
class SmaCrossover:
    """Long while the fast average is above the slow one, flat otherwise."""

    fast: int = 10
    slow: int = 30
    name: str = "sma_crossover"

    def __post_init__(self) -> None:
        if not 0 < self.fast < self.slow:
            raise ValueError(
                f"sma_crossover needs 0 < fast < slow, got fast={self.fast} slow={self.slow}"
            )

    def positions(self, closes: list[float]) -> list[int]:
        fast = moving_average(closes, self.fast)
        slow = moving_average(closes, self.slow)
        return [1 if f is not None and s is not None and f > s else 0 for f, s in zip(fast, slow)]


@dataclass(frozen=True)
class Momentum:
    """Long after a rise of more than `threshold` over `lookback` days, short after a fall."""

    lookback: int = 20
    threshold: float = 0.02
    name: str = "momentum"

    def __post_init__(self) -> None:
        if self.lookback < 1 or self.threshold < 0:
            raise ValueError("momentum needs lookback >= 1 and threshold >= 0")

    def positions(self, closes: list[float]) -> list[int]:
        out: list[int] = []
        for i, price in enumerate(closes):
            if i < self.lookback:
                out.append(0)
                continue
            change = price / closes[i - self.lookback] - 1
            out.append(1 if change > self.threshold else -1 if change < -self.threshold else 0)
        return out


@dataclass(frozen=True)
class MeanReversion:
    """Buys when the close is `entry` standard deviations below its mean, sells when above."""

    window: int = 20
    entry: float = 1.5
    name: str = "mean_reversion"

    def __post_init__(self) -> None:
        if self.window < 2 or self.entry <= 0:
            raise ValueError("mean_reversion needs window >= 2 and entry > 0")

    def positions(self, closes: list[float]) -> list[int]:
        out: list[int] = []
        position = 0
        for i in range(len(closes)):
            if i + 1 < self.window:
                out.append(0)
                continue
            window = closes[i + 1 - self.window : i + 1]
            mean = sum(window) / self.window
            std = math.sqrt(sum((c - mean) ** 2 for c in window) / (self.window - 1))
            z = 0.0 if std == 0 else (closes[i] - mean) / std
            if z < -self.entry:
                position = 1
            elif z > self.entry:
                position = -1
            elif position == 1 and z >= 0 or position == -1 and z <= 0:
                position = 0
            out.append(position)
        return out


STRATEGIES: dict[str, type[SmaCrossover | Momentum | MeanReversion]] = {
    "sma_crossover": SmaCrossover,
    "momentum": Momentum,
    "mean_reversion": MeanReversion,
}


def make_strategy(kind: str, params: dict[str, float]) -> Strategy:
    """A strategy by its registered name, with its parameters checked."""
    cls = STRATEGIES.get(kind)
    if cls is None:
        raise ValueError(f"unknown strategy '{kind}'; known: {', '.join(sorted(STRATEGIES))}")
    try:
        return cls(**params)  # type: ignore[arg-type]
    except TypeError as err:
        raise ValueError(f"{kind}: {err}") from None
