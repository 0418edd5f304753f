"""Trading strategies, a backtester and the command line that runs them."""

__version__ = "0.2.0"
