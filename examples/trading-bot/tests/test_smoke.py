"""Smoke: every strategy trades on the bundled prices, offline."""

from __future__ import annotations

import pytest

from tradingbot.cli import main


@pytest.mark.smoke
def test_smoke_command_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["smoke"]) == 0
    assert "3 strategies traded" in capsys.readouterr().out
