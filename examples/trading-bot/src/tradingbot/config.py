"""The strategy configuration: a TOML file naming each strategy to run and its parameters."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tradingbot.strategies import Strategy, make_strategy


class ConfigError(ValueError):
    """A configuration that cannot be run, naming the file and the entry."""


@dataclass(frozen=True)
class RunConfig:
    """Costs shared by every strategy, and the strategies in file order."""

    fee_bps: float
    capital: float
    strategies: list[Strategy] = field(default_factory=list)


def parse_config(text: str, source: str = "<config>") -> RunConfig:
    """A RunConfig from TOML text: `[backtest]` costs and one `[[strategy]]` table per strategy."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{source}: {err}") from None
    backtest = doc.get("backtest", {})
    fee_bps = float(backtest.get("fee_bps", 5.0))
    capital = float(backtest.get("capital", 10_000.0))
    entries = doc.get("strategy", [])
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{source}: add at least one [[strategy]] table")
    strategies: list[Strategy] = []
    for index, entry in enumerate(entries, start=1):
        kind = entry.get("kind")
        if not isinstance(kind, str):
            raise ConfigError(f'{source}: strategy #{index} needs kind = "..."')
        params = {k: v for k, v in entry.items() if k != "kind"}
        try:
            strategies.append(make_strategy(kind, params))
        except ValueError as err:
            raise ConfigError(f"{source}: strategy #{index}: {err}") from None
    return RunConfig(fee_bps=fee_bps, capital=capital, strategies=strategies)


def load_config(path: Path) -> RunConfig:
    """A RunConfig from a file."""
    return parse_config(path.read_text(encoding="utf-8"), str(path))
