"""`tradingbot smoke`: runs every strategy on a built-in price series, offline."""
from __future__ import annotations

import argparse
import json
import math

from . import backtest, strategies

STRATEGIES = {"crossover": strategies.crossover, "mean_reversion": strategies.mean_reversion}


def sample_prices(n: int = 120) -> list[float]:
    return [100 + 5 * math.sin(i / 6) + i * 0.05 for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tradingbot")
    parser.add_argument("command", choices=["smoke"])
    parser.add_argument("--strategy", choices=sorted(STRATEGIES), action="append")
    args = parser.parse_args(argv)
    prices = sample_prices()
    report = {}
    for name in args.strategy or sorted(STRATEGIES):
        result = backtest.run(prices, STRATEGIES[name](prices))
        report[name] = {"return": round(result.total_return, 6), "trades": result.trades}
    print(json.dumps(report, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
