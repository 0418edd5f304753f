"""The `tradingbot` command: backtest a configuration, smoke-test every strategy, check a report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tradingbot.backtest import run_backtest
from tradingbot.config import ConfigError, load_config
from tradingbot.prices import PriceDataError, load_prices, sample_prices
from tradingbot.report import build_report, validate_report
from tradingbot.strategies import STRATEGIES, make_strategy


def _backtest(args: argparse.Namespace) -> int:
    config = load_config(Path(args.config))
    bars = load_prices(Path(args.prices)) if args.prices else sample_prices()
    results = [run_backtest(bars, s, config.fee_bps, config.capital) for s in config.strategies]
    report = build_report(results, args.prices or "sample", len(bars))
    text = json.dumps(report, indent=2) + "\n"
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
    for r in results:
        print(
            f"{r.strategy:15} return {r.total_return:+8.2%}  drawdown {r.max_drawdown:6.2%}  sharpe {r.sharpe:5.2f}  trades {r.trades}"
        )
    return 0


def _smoke(_: argparse.Namespace) -> int:
    """Every strategy with its defaults trades on the bundled prices and yields a valid report."""
    bars = sample_prices()
    results = [run_backtest(bars, make_strategy(name, {})) for name in sorted(STRATEGIES)]
    idle = [r.strategy for r in results if r.trades == 0]
    errors = validate_report(build_report(results, "sample", len(bars)))
    for problem in [*(f"{name}: no trades on the sample prices" for name in idle), *errors]:
        print(f"smoke: {problem}", file=sys.stderr)
    if idle or errors:
        return 1
    print(f"smoke: {len(results)} strategies traded on {len(bars)} days of sample prices")
    return 0


def _validate(args: argparse.Namespace) -> int:
    path = Path(args.report)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        print(f"{path}:{err.lineno}:{err.colno}: not JSON: {err.msg}", file=sys.stderr)
        return 1
    errors = validate_report(doc)
    for e in errors:
        print(f"{path}: {e}", file=sys.stderr)
    if not errors:
        print(f"{path}: valid report format {doc['format']}")
    return 1 if errors else 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tradingbot", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    bt = sub.add_parser("backtest", help="backtest the strategies of a configuration")
    bt.add_argument("--config", required=True, help="strategy configuration (TOML)")
    bt.add_argument("--prices", help="CSV of date,close (default: the bundled sample)")
    bt.add_argument("--out", help="write the JSON report here")
    bt.set_defaults(run=_backtest)
    sub.add_parser("smoke", help="offline check that every strategy trades").set_defaults(
        run=_smoke
    )
    va = sub.add_parser("validate-report", help="check a report against the report format")
    va.add_argument("report")
    va.set_defaults(run=_validate)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (ConfigError, PriceDataError, OSError) as err:
        print(f"tradingbot: {err}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
