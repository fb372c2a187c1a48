"""Linking across levels (see kg.link.linker.link)."""
