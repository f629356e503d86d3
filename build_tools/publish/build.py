"""Build the book: one Sphinx run per edition and builder, then the landing page.

_build/doctrees/<edition>/   one environment cache per edition, shared by html and epub
_build/site/<edition>/       the HTML book of each edition
_build/epub/<edition>/       what the EPUB builder (sphinx_ext/epub_builder.py) zips
_build/site/downloads/       the EPUBs: the whole book and one per part, per edition
_build/pdf/<edition>/        what the pdf builder (sphinx_ext/pdf_builder.py) typesets, before
                             the PDFs are copied to downloads/
_build/logs/                 each Sphinx run's output and warnings
_build/state/<edition>.building   present while an edition builds: a leftover one means the
                             last run was killed, and that edition is rebuilt from scratch
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.errors import ExitCode, LockedError
from build_tools.publish.worker import run_sphinx
from build_tools.variants.backend import backend_notice
from build_tools.variants.table import Variant

LOCKED = (
    "another build is running in this project (it holds {lock}). Wait for it to finish; "
    "the lock is released automatically when that process ends."
)

#: Sphinx prints "reading sources... [ 42%] docname" once per document when not on a terminal.
PROGRESS_LINE = re.compile(r"^(reading sources|writing output)\.\.\. \[\s*(\d+)%\]")
WARNING_LINE = re.compile(r"\bWARNING\b|\bERROR\b|\bCRITICAL\b")


@dataclass(frozen=True)
class BuildPlan:
    root: Path
    variants: tuple[Variant, ...]
    html: bool = True
    epub: bool = True
    pdf: bool = True
    jobs: int = 2
    strict: bool = False
    sphinx_opts: tuple[str, ...] = ()
    progress: bool = True

    @property
    def out(self) -> Path:
        return self.root / "_build"


@dataclass
class StepResult:
    variant: str
    builder: str
    returncode: int
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    log: Path | None = None


@dataclass
class BuildReport:
    plan: BuildPlan
    steps: list[StepResult] = field(default_factory=list)
    epubs: list[Path] = field(default_factory=list)
    speeches: int = 0
    seconds: float = 0.0
    publish_seconds: float = 0.0  #: EPUBs finished, landing and download pages written

    notices: list[str] = field(default_factory=list)  #: warnings from outside Sphinx

    @property
    def warnings(self) -> list[str]:
        return [*self.notices, *(w for step in self.steps for w in step.warnings)]

    @property
    def exit_code(self) -> int:
        if any(step.returncode for step in self.steps):
            return ExitCode.BUILD
        if self.plan.strict and self.warnings:
            return ExitCode.WARNINGS
        return ExitCode.OK

    def summary(self) -> str:
        site = self.plan.out / "site"
        lines = [
            f"Built {len(self.plan.variants)} edition(s) of {self.speeches} speeches "
            f"in {self.seconds:.1f} s: " + ", ".join(v.name for v in self.plan.variants),
        ]
        for step in self.steps:
            state = "ok" if step.returncode == 0 else f"FAILED (exit {step.returncode})"
            lines.append(
                f"  {step.variant:8} {step.builder:5} {state:6} {step.seconds:6.1f} s  "
                f"{len(step.warnings)} warning(s)  log: {_rel(step.log, self.plan.root)}"
            )
        for warning in self.warnings[:20]:
            lines.append(f"  {warning}")
        if len(self.warnings) > 20:
            lines.append(f"  … and {len(self.warnings) - 20} more warnings (see the logs)")
        lines.append(f"Site: {_rel(site / 'index.html', self.plan.root)}")
        if self.epubs:
            lines.append(
                f"EPUBs and PDFs: {len(self.epubs)} in {_rel(site / 'downloads', self.plan.root)}/ "
                f"(finished in {self.publish_seconds:.1f} s)"
            )
        return "\n".join(lines)


def _rel(path: Path | None, root: Path) -> str:
    if path is None:
        return "-"
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def build(plan: BuildPlan) -> BuildReport:
    """The recipe: lock, recover from an interrupted run, build each edition, publish."""
    from filelock import FileLock, Timeout  # here: the worker imports this module too

    plan.out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(plan.out / ".lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise LockedError(LOCKED.format(lock=plan.out / ".lock")) from None
    try:
        started = time.monotonic()
        report = BuildReport(plan, speeches=count_speeches(plan.root / "source"))
        if notice := backend_notice():
            report.notices.append(f"WARNING: {notice} [book.variants.backend]")
        with _Progress(plan) as progress:
            workers = max(1, min(plan.jobs, len(plan.variants)))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = pool.map(
                    lambda v: _build_edition(plan, v, progress, jobs=plan.jobs // workers),
                    plan.variants,
                )
                _prepare_publishing()  # while the workers run
                for steps in results:
                    report.steps.extend(steps)
        if report.exit_code != ExitCode.BUILD:
            publishing = time.monotonic()
            report.epubs = _publish(plan)
            report.publish_seconds = time.monotonic() - publishing
        report.seconds = time.monotonic() - started
        return report
    finally:
        lock.release()


def count_speeches(source: Path) -> int:
    return sum(1 for _ in (source / "speeches").glob("*.md"))


def _build_edition(
    plan: BuildPlan, variant: Variant, progress: _Progress, *, jobs: int
) -> list[StepResult]:
    """HTML, EPUB then PDF for one edition; they share the edition's doctree cache, so in turn."""
    marker = plan.out / "state" / f"{variant.name}.building"
    if marker.exists():
        # The last run was killed mid-build: Sphinx's caches and outputs may be half-written
        # and would look up to date. Start this edition from scratch.
        for folder in ("doctrees", "epub", "pdf", "site"):
            shutil.rmtree(plan.out / folder / variant.name, ignore_errors=True)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(os.getpid()), encoding="utf-8")
    builders = [
        b for b, wanted in (("html", plan.html), ("epub", plan.epub), ("pdf", plan.pdf)) if wanted
    ]
    steps = _run_steps(plan, variant, builders, progress, jobs=jobs)
    if len(steps) == len(builders) and not any(step.returncode for step in steps):
        marker.unlink()
    return steps


def sphinx_args(plan: BuildPlan, variant: Variant, builder: str, *, jobs: int = 1) -> list[str]:
    """The sphinx-build arguments for one edition and builder."""
    out = plan.out / ("site" if builder == "html" else builder) / variant.name
    args = [
        "-b", builder,
        "-c", str(plan.root),
        "-d", str(plan.out / "doctrees" / variant.name),
        "-D", f"book_variant={variant.name}",
        "-D", f"language={variant.sphinx_language}",  # Sphinx loads its messages before extensions
        "-D", f"book_editions={','.join(v.name for v in plan.variants)}",
        "-w", str(plan.out / "logs" / f"{variant.name}-{builder}.warnings"),
        "--keep-going",
    ]  # fmt: skip
    if builder == "epub":
        args += ["-D", f"book_epub_downloads={plan.out / 'site' / 'downloads'}"]
    if jobs > 1:
        args += ["-j", str(jobs)]
    if plan.strict:
        args.append("-W")
    return [*args, *plan.sphinx_opts, str(plan.root / "source"), str(out)]


def _run_steps(
    plan: BuildPlan, variant: Variant, builders: list[str], progress: _Progress, *, jobs: int
) -> list[StepResult]:
    """The edition's builders in turn, in one worker process (``run_sphinx``): HTML then
    EPUB share the edition's doctree cache, and the process imports Sphinx once for both.
    Each step's output goes to its log, which the progress bar reads while it runs."""
    (plan.out / "logs").mkdir(parents=True, exist_ok=True)
    steps = [
        (b, sphinx_args(plan, variant, b, jobs=jobs), str(_log_path(plan, variant, b)))
        for b in builders
    ]
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: Sphinx keeps globals
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
    try:
        future = pool.submit(run_sphinx, str(plan.root), steps)
        while True:
            try:
                outcomes = future.result(timeout=0.5)
                break
            except FutureTimeout:
                _report_progress(plan, variant, builders, progress)
            except BrokenProcessPool:  # the worker died inside a step
                outcomes = []
                break
    finally:
        # The worker has written and closed everything once it answers; its exit goes on
        # while the landing page is written. Python joins it before this process ends.
        pool.shutdown(wait=False)
    results = [_step(plan, variant, b, code, seconds) for b, code, seconds in outcomes]
    if len(results) < len(builders) and not any(r.returncode for r in results):
        results.append(StepResult(variant.name, builders[len(results)], 1))
    for result in results:
        progress.update(variant.name, result.builder, 1.0)
    return results


def _report_progress(
    plan: BuildPlan, variant: Variant, builders: list[str], progress: _Progress
) -> None:
    """Move the bar to the last progress line Sphinx wrote to the running step's log."""
    for builder in reversed(builders):
        try:
            text = _log_path(plan, variant, builder).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in reversed(text[-4000:].splitlines()):
            if match := PROGRESS_LINE.match(line):
                phase = 0 if match[1] == "reading sources" else 1
                progress.update(variant.name, builder, (phase + int(match[2]) / 100) / 2)
                return
        return


def _log_path(plan: BuildPlan, variant: Variant, builder: str) -> Path:
    return plan.out / "logs" / f"{variant.name}-{builder}.log"


def _step(
    plan: BuildPlan, variant: Variant, builder: str, returncode: int, seconds: float
) -> StepResult:
    log = _log_path(plan, variant, builder)
    warnings_file = log.with_suffix(".warnings")
    warnings = []
    if warnings_file.exists():
        text = warnings_file.read_text(encoding="utf-8", errors="replace")
        warnings = [line for line in text.splitlines() if WARNING_LINE.search(line)]
    return StepResult(variant.name, builder, returncode, warnings, seconds, log)


def _prepare_publishing() -> None:
    """Import what publishing needs (the extension package, Sphinx, pypinyin: 0.9 s) while
    the editions build in their workers, not after them."""
    from build_tools.publish import pdf, site  # noqa: F401


def _publish(plan: BuildPlan) -> list[Path]:
    """Copy the PDFs to downloads/, write the landing and download pages; the books there."""
    from build_tools.publish import site

    if plan.pdf:
        from build_tools.publish.pdf import publish_pdfs

        for variant in plan.variants:
            publish_pdfs(plan.root, variant)
    site.write_landing(plan.root, plan.variants)
    downloads = plan.out / "site" / "downloads"
    books = sorted(downloads.glob("*.epub")) if plan.epub else []
    return books + (sorted(downloads.glob("*.pdf")) if plan.pdf else [])


class _Progress:
    """One progress bar per edition on stderr, fed from Sphinx's progress lines."""

    def __init__(self, plan: BuildPlan) -> None:
        self.plan = plan
        self.bars: dict[str, object] = {}
        self.lock = threading.Lock()
        self.steps = [
            b
            for b, wanted in (("html", plan.html), ("epub", plan.epub), ("pdf", plan.pdf))
            if wanted
        ]

    def __enter__(self) -> _Progress:
        if self.plan.progress:
            from tqdm import tqdm

            for position, variant in enumerate(self.plan.variants):
                self.bars[variant.name] = tqdm(
                    total=100 * len(self.steps),
                    desc=f"{variant.name:8}",
                    position=position,
                    unit="%",
                    bar_format="{desc} {bar} {percentage:3.0f}% {postfix}",
                    leave=True,
                )
        return self

    def update(self, variant: str, builder: str, fraction: float) -> None:
        bar = self.bars.get(variant)
        if bar is None:
            return
        done = 100 * (self.steps.index(builder) + fraction)
        with self.lock:
            bar.n = int(done)  # type: ignore[attr-defined]
            bar.set_postfix_str(builder)  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> None:
        for bar in self.bars.values():
            bar.close()  # type: ignore[attr-defined]
