"""Speech book: raw Chinese speeches in, a cross-referenced HTML book and EPUBs out."""

from __future__ import annotations

__version__ = "0.1.0"
