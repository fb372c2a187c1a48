"""Benchmark tooling: a synthetic national-scale corpus for the extract -> link -> store -> query pipeline."""
