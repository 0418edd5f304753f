"""Unit tests of the price files and the configuration: bad input is reported with its place."""

from __future__ import annotations

import pytest

from tradingbot.config import ConfigError, parse_config
from tradingbot.prices import PriceDataError, parse_prices, sample_prices


def test_prices_parse_and_bad_lines_are_reported_by_line() -> None:
    assert [b.close for b in parse_prices("date,close\n2024-01-02,10\n2024-01-03,11\n")] == [10, 11]
    with pytest.raises(PriceDataError, match=r"p\.csv:3: .* does not come after"):
        parse_prices("date,close\n2024-01-03,10\n2024-01-02,11\n", "p.csv")
    with pytest.raises(PriceDataError, match=r"p\.csv:2: a close must be positive"):
        parse_prices("date,close\n2024-01-02,-1\n2024-01-03,1\n", "p.csv")
    with pytest.raises(PriceDataError, match=r"p\.csv:1: expected the header"):
        parse_prices("day,price\n", "p.csv")


def test_the_bundled_sample_is_two_years_of_business_days() -> None:
    bars = sample_prices()
    assert len(bars) == 500
    assert all(b.day.weekday() < 5 for b in bars)


def test_config_builds_strategies_in_file_order() -> None:
    config = parse_config(
        '[backtest]\nfee_bps = 2\n[[strategy]]\nkind = "momentum"\n[[strategy]]\nkind = "sma_crossover"\n'
    )
    assert config.fee_bps == 2
    assert [s.name for s in config.strategies] == ["momentum", "sma_crossover"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[backtest]\n", "at least one \\[\\[strategy\\]\\]"),
        ("[[strategy]]\nfast = 1\n", "strategy #1 needs kind"),
        ('[[strategy]]\nkind = "sma_crossover"\nfast = 50\n', "strategy #1: sma_crossover needs"),
        ("[[strategy]\n", "c.toml: "),
    ],
)
def test_config_errors_name_the_file_and_the_strategy(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(text, "c.toml")
