"""The report contract, end to end: the installed command writes a report its validator accepts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.integration


def tradingbot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tradingbot.cli", *args], capture_output=True, text=True, check=False
    )


def test_backtest_writes_a_report_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "backtest.json"
    run = tradingbot(
        "backtest", "--config", str(ROOT / "config" / "strategies.toml"), "--out", str(out)
    )
    assert run.returncode == 0, run.stderr
    assert "sma_crossover" in run.stdout
    report = json.loads(out.read_text())
    assert [r["strategy"] for r in report["results"]] == [
        "sma_crossover",
        "momentum",
        "mean_reversion",
    ]
    check = tradingbot("validate-report", str(out))
    assert check.returncode == 0, check.stderr


def test_a_broken_report_fails_validation_with_its_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": 1, "days": 10, "results": [{"strategy": "x"}]}))
    check = tradingbot("validate-report", str(bad))
    assert check.returncode == 1
    assert "$.results[0].trades: expected int" in check.stderr


def test_a_bad_config_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[[strategy]]\nkind = "pairs"\n')
    run = tradingbot("backtest", "--config", str(config))
    assert run.returncode == 2
    assert "unknown strategy 'pairs'" in run.stderr
    assert "Traceback" not in run.stderr
