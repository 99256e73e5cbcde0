"""copvn: protecting children online in Vietnamese provinces."""

__version__ = "0.1.0"
