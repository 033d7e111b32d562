"""Harvest the ASHARQ AL-AWSAT English Archive into deduplicated JSON Lines."""

__version__ = "1.0.0"
