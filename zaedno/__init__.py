"""Заедно (Zaedno): multisector case work for children at risk."""

__version__ = "0.1.0"
