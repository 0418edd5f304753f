import pytest

from tradingbot import backtest


def test_flat_signals_make_no_trades():
    result = backtest.run([100, 101, 102], [0, 0, 0])
    assert result.trades == 0 and result.total_return == 0


def test_long_position_follows_prices():
    result = backtest.run([100, 110], [1, 1], fee=0)
    assert result.total_return == pytest.approx(0.10)


@pytest.mark.integration
def test_contract_smoke_cli(capsys):
    from tradingbot.cli import main

    assert main(["smoke"]) == 0
    assert "crossover" in capsys.readouterr().out


@pytest.mark.slow
def test_long_backtest_is_stable():
    prices = [100 + (i % 7) for i in range(5000)]
    assert backtest.run(prices, [1] * len(prices)).trades == 1
