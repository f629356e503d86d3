"""One way for the tests to build a test root: ``sphinx.testing``'s ``SphinxTestApp`` for one
edition and one builder, cleaned up after, with what it wrote and printed."""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from sphinx.testing.util import SphinxTestApp


@dataclass(frozen=True)
class Build:
    outdir: Path  #: ``<builddir>/<builder>``
    status: str  #: what Sphinx printed
    warnings: str  #: its warnings, as printed


def build(
    srcdir: Path,
    edition: str = "zh-Hans",
    *,
    builder: str = "html",
    builddir: Path | None = None,
    **overrides: object,
) -> Build:
    """Build ``srcdir`` (a copy of a root under ``tests/roots/``) as ``edition`` with
    ``builder`` into ``builddir`` (default ``<srcdir>/_build/<edition>``); ``overrides`` are
    settings of the root's ``conf.py``."""
    status, warning = StringIO(), StringIO()
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        builddir=builddir or srcdir / "_build" / edition,
        confoverrides={"book_variant": edition, **overrides},
        status=status,
        warning=warning,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Build(Path(app.outdir), status.getvalue(), warning.getvalue())
