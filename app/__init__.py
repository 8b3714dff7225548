"""Cible: customer and vehicle targeting for car-dealership back offices."""

__version__ = "0.1.0"
