"""Measurements of iprgraph (`make bench`); not part of CI. See BENCHMARKS.md."""
