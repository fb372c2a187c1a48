"""The version of the package, in a module of its own: modules that record it need not import
the package root (which opens the API)."""

__version__ = "0.1.0"
