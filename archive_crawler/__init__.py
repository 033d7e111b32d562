"""Harvest news archive sites into clean, deduplicated JSON Lines."""

__version__ = "1.0.0"
