"""Typst, in a fresh process for each batch of books: main files in, PDF bytes out.

typst-py keeps Typst's memoisation cache for the life of the process and offers no way to
empty it (messense/typst-py#104), so one process that typeset every part of a large book
kept every part's layout: 2.9 GB at N = 5,000 (36 parts of 380,000 characters). A process
per batch of at most ``book_pdf_max_characters`` ends with its batch and gives the memory
back. This module imports only Typst: it is what the batch's process loads.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    name: str  #: the PDF's file name
    main: str  #: its main ``.typ`` file


@dataclass(frozen=True)
class Typeset:
    name: str
    data: bytes | None  #: None when Typst failed
    problems: tuple[str, ...]  #: Typst's error (when it failed) or warnings, as text
    seconds: float


@dataclass(frozen=True)
class Setup:
    root: str  #: the Typst project root (``/book.typ``, ``/docs/…``)
    font_dirs: tuple[str, ...]  #: the folders of the Noto fonts the edition uses
    inputs: tuple[tuple[str, str], ...]  #: ``sys.inputs`` (the faces, by family)
    epoch: int  #: the books' date, for reproducible PDFs


def batches(sized: list[tuple[Job, int]], limit: int) -> list[list[Job]]:
    """The jobs, in order, in batches of at most ``limit`` characters (a larger book alone).

    >>> jobs = [(Job(n, n + ".typ"), size) for n, size in [("a", 6), ("b", 4), ("c", 9), ("d", 1)]]
    >>> [[job.name for job in batch] for batch in batches(jobs, 10)]
    [['a', 'b'], ['c', 'd']]
    """
    result: list[list[Job]] = []
    room = 0
    for job, size in sized:
        if not result or size > room:
            result.append([])
            room = limit
        result[-1].append(job)
        room -= size
    return result


def typeset_batches(setup: Setup, batches: list[list[Job]]) -> list[Typeset]:
    """Each batch typeset in a process of its own, one batch after another."""
    results: list[Typeset] = []
    context = multiprocessing.get_context("spawn")
    for batch in batches:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            results += pool.submit(typeset_batch, setup, batch).result()
    return results


def typeset_batch(setup: Setup, jobs: list[Job]) -> list[Typeset]:
    """In the batch's process: one compiler (fonts loaded once), each book in turn."""
    import typst

    compiler = typst.Compiler(
        root=setup.root,
        font_paths=typst.Fonts(
            include_system_fonts=False,
            include_embedded_fonts=True,  # the wheel's own: DejaVu Sans Mono, Libertinus Serif
            font_paths=list(setup.font_dirs),
        ),
        sys_inputs=dict(setup.inputs),
    )
    results = []
    for job in jobs:
        started = time.monotonic()
        try:
            data, warnings = compiler.compile_with_warnings(
                input=job.main, format="pdf", timestamp=setup.epoch
            )
        except typst.TypstError as err:
            results.append(Typeset(job.name, None, (_describe(err),), time.monotonic() - started))
            continue
        assert isinstance(data, bytes)
        problems = tuple(_describe(w) for w in warnings)
        results.append(Typeset(job.name, data, problems, time.monotonic() - started))
    return results


def _describe(problem: object) -> str:
    message = str(getattr(problem, "message", "") or problem)
    hints = getattr(problem, "hints", None) or []
    return "; ".join([message, *hints])
