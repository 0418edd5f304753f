"""Unit tests of the report format's validator."""

from __future__ import annotations

from tradingbot.backtest import run_backtest
from tradingbot.prices import Bar
from tradingbot.report import build_report, validate_report
from tradingbot.strategies import Momentum


def test_a_built_report_is_valid(bars: list[Bar]) -> None:
    report = build_report([run_backtest(bars, Momentum())], "synthetic", len(bars))
    assert validate_report(report) == []


def test_every_broken_field_is_named_with_its_path(bars: list[Bar]) -> None:
    report = build_report([run_backtest(bars, Momentum())], "synthetic", len(bars))
    report["format"] = 2
    report["results"][0]["trades"] = "many"
    report["results"][0]["max_drawdown"] = 1.5
    assert validate_report(report) == [
        "$.format: expected 1, got 2",
        "$.results[0].trades: expected int, got 'many'",
        "$.results[0].max_drawdown: must be between 0 and 1, got 1.5",
    ]
    assert validate_report([]) == ["$: the report must be a JSON object"]
