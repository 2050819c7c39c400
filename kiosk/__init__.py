"""Crux Fitness hip-hinge kiosk."""

__version__ = "0.1.0"
