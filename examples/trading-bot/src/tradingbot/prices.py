"""Daily closing prices: read from CSV files or generated for tests and smoke runs."""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


class PriceDataError(ValueError):
    """A price file that cannot be used, with the line to look at."""


@dataclass(frozen=True)
class Bar:
    """One trading day's close."""

    day: dt.date
    close: float


def parse_prices(text: str, source: str = "<prices>") -> list[Bar]:
    """Bars from CSV text with a `date,close` header; dates must strictly increase."""
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != ["date", "close"]:
        raise PriceDataError(f"{source}:1: expected the header 'date,close'")
    bars: list[Bar] = []
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != 2:
            raise PriceDataError(f"{source}:{line}: expected 2 columns, found {len(row)}")
        try:
            day = dt.date.fromisoformat(row[0].strip())
            close = float(row[1])
        except ValueError as err:
            raise PriceDataError(f"{source}:{line}: {err}") from None
        if close <= 0:
            raise PriceDataError(f"{source}:{line}: a close must be positive, got {close}")
        if bars and day <= bars[-1].day:
            raise PriceDataError(f"{source}:{line}: {day} does not come after {bars[-1].day}")
        bars.append(Bar(day, close))
    if len(bars) < 2:
        raise PriceDataError(f"{source}: at least two prices are needed, found {len(bars)}")
    return bars


def load_prices(path: Path) -> list[Bar]:
    """Bars from a CSV file."""
    return parse_prices(path.read_text(encoding="utf-8"), str(path))


def sample_prices() -> list[Bar]:
    """Two years of daily closes shipped with the package, so smoke runs need no network."""
    text = resources.files("tradingbot").joinpath("data/sample_prices.csv").read_text("utf-8")
    return parse_prices(text, "sample_prices.csv")


def synthetic_prices(days: int, seed: int, start: float = 100.0) -> list[Bar]:
    """A seeded random walk on business days; the same seed always gives the same series."""
    rng = random.Random(seed)  # noqa: S311 - simulated prices, not cryptography
    bars: list[Bar] = []
    day = dt.date(2020, 1, 1)
    price = start
    while len(bars) < days:
        if day.weekday() < 5:
            price = max(0.01, price * (1 + rng.gauss(0.0002, 0.015)))
            bars.append(Bar(day, round(price, 4)))
        day += dt.timedelta(days=1)
    return bars
