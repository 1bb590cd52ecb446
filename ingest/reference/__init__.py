"""Reference tables shipped with iprgraph (ports, exchange rates); see README.md here."""

from pathlib import Path

REFERENCE_DIR = Path(__file__).parent
