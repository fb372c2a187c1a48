"""Healthy China policy-cascade knowledge graph."""

__version__ = "0.1.0"
