"""Shared fixtures: deterministic price series, so every test sees the same market."""

from __future__ import annotations

import pytest

from tradingbot.prices import Bar, synthetic_prices


@pytest.fixture
def bars() -> list[Bar]:
    return synthetic_prices(300, seed=7)
