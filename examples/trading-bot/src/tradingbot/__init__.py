"""A toy trading-strategy package: strategies, a backtest and a CLI."""
