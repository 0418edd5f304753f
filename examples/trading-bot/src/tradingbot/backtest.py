"""Replays a strategy's positions over closing prices, with trading costs, and measures the result."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tradingbot.prices import Bar
from tradingbot.strategies import Strategy

TRADING_DAYS = 252


@dataclass(frozen=True)
class BacktestResult:
    """What a strategy would have done; returns are fractions (0.05 is 5%)."""

    strategy: str
    equity: list[float]
    trades: int
    total_return: float
    max_drawdown: float
    sharpe: float
    exposure: float


def max_drawdown(equity: list[float]) -> float:
    """The largest fall from a peak, as a fraction of that peak."""
    peak = equity[0]
    worst = 0.0
    for value in equity:
        peak = max(peak, value)
        worst = max(worst, (peak - value) / peak)
    return worst


def sharpe_ratio(daily_returns: list[float]) -> float:
    """Annualized mean over standard deviation of daily returns; 0 when they do not vary."""
    if len(daily_returns) < 2:
        return 0.0
    mean = sum(daily_returns) / len(daily_returns)
    var = sum((r - mean) ** 2 for r in daily_returns) / (len(daily_returns) - 1)
    return 0.0 if var == 0 else mean / math.sqrt(var) * math.sqrt(TRADING_DAYS)


def run_backtest(
    bars: list[Bar], strategy: Strategy, fee_bps: float = 5.0, capital: float = 10_000.0
) -> BacktestResult:
    """Holds yesterday's target position through today's move, so no day trades on its own close."""
    if fee_bps < 0 or capital <= 0:
        raise ValueError("fee_bps must be >= 0 and capital > 0")
    closes = [b.close for b in bars]
    positions = strategy.positions(closes)
    if len(positions) != len(closes):
        raise ValueError(
            f"{strategy.name} returned {len(positions)} positions for {len(closes)} prices"
        )
    equity = [capital]
    daily: list[float] = []
    trades = 0
    held = 0
    for i in range(1, len(closes)):
        target = positions[i - 1]
        cost = 0.0
        if target != held:
            trades += 1
            cost = abs(target - held) * fee_bps / 10_000
            held = target
        ret = held * (closes[i] / closes[i - 1] - 1) - cost
        daily.append(ret)
        equity.append(equity[-1] * (1 + ret))
    return BacktestResult(
        strategy=strategy.name,
        equity=equity,
        trades=trades,
        total_return=equity[-1] / capital - 1,
        max_drawdown=max_drawdown(equity),
        sharpe=sharpe_ratio(daily),
        exposure=sum(1 for p in positions[:-1] if p != 0) / max(1, len(positions) - 1),
    )
