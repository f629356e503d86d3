"""In an edition's worker process: Sphinx's builders in turn, each one's output in its log.

Its own module, importing next to nothing, because the worker is a fresh interpreter
(``publish.build`` spawns it) that imports whatever module holds the function it runs.
"""

from __future__ import annotations

import contextlib
import os
import time

from build_tools.publish import frozen_heap


def run_sphinx(root: str, steps: list[tuple[str, list[str], str]]) -> list[tuple[str, int, float]]:
    """In the worker process: each ``(builder, sphinx-build arguments, log file)`` in turn,
    Sphinx's output written to the log; stops at the first step that fails. Returns each
    step's builder, exit code and seconds. The heap is then left to the operating system
    (``frozen_heap``)."""
    from sphinx.cmd.build import build_main

    os.chdir(root)
    outcomes = []
    for builder, args, log in steps:
        started = time.monotonic()
        with (
            open(log, "w", encoding="utf-8") as out,
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(out),
        ):
            code = build_main(args)
        outcomes.append((builder, code, time.monotonic() - started))
        if code:
            break
    frozen_heap.settle()
    return outcomes
