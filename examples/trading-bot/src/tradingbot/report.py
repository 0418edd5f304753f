"""The backtest report: a JSON document other tools read, so its format is a contract."""

from __future__ import annotations

from typing import Any

from tradingbot import __version__
from tradingbot.backtest import BacktestResult

REPORT_FORMAT = 1
RESULT_FIELDS = {
    "strategy": str,
    "trades": int,
    "total_return": float,
    "max_drawdown": float,
    "sharpe": float,
    "exposure": float,
    "final_equity": float,
}


def build_report(results: list[BacktestResult], prices: str, days: int) -> dict[str, Any]:
    """The report document for a set of results over one price history."""
    return {
        "format": REPORT_FORMAT,
        "generator": f"tradingbot {__version__}",
        "prices": prices,
        "days": days,
        "results": [
            {
                "strategy": r.strategy,
                "trades": r.trades,
                "total_return": round(r.total_return, 6),
                "max_drawdown": round(r.max_drawdown, 6),
                "sharpe": round(r.sharpe, 4),
                "exposure": round(r.exposure, 4),
                "final_equity": round(r.equity[-1], 2),
            }
            for r in results
        ],
    }


def validate_report(doc: object) -> list[str]:
    """Every way `doc` breaks the report format, as messages with a JSON path; empty when valid."""
    if not isinstance(doc, dict):
        return ["$: the report must be a JSON object"]
    errors: list[str] = []
    if doc.get("format") != REPORT_FORMAT:
        errors.append(f"$.format: expected {REPORT_FORMAT}, got {doc.get('format')!r}")
    if not isinstance(doc.get("days"), int) or doc["days"] < 2:
        errors.append("$.days: expected an integer of at least 2")
    results = doc.get("results")
    if not isinstance(results, list) or not results:
        return [*errors, "$.results: expected a non-empty list"]
    for i, result in enumerate(results):
        if not isinstance(result, dict):
            errors.append(f"$.results[{i}]: expected an object")
            continue
        for name, kind in RESULT_FIELDS.items():
            value = result.get(name)
            ok = (
                isinstance(value, (int, float)) and not isinstance(value, bool)
                if kind is float
                else isinstance(value, kind)
            )
            if not ok:
                errors.append(f"$.results[{i}].{name}: expected {kind.__name__}, got {value!r}")
        drawdown = result.get("max_drawdown")
        if isinstance(drawdown, (int, float)) and not 0 <= drawdown <= 1:
            errors.append(f"$.results[{i}].max_drawdown: must be between 0 and 1, got {drawdown}")
    return errors
