"""OpenCC, whichever package provides the ``opencc`` module: one converter per configuration.

The project depends on the official OpenCC package (a C++ wheel, distribution ``OpenCC``).
Where no wheel can be installed, the pure-Python ``opencc-py`` from the same project provides
the same module and the same dictionaries. ``opencc-python-reimplemented`` also installs a
module called ``opencc``, but with old dictionaries: it is used if it is all there is, and
:func:`backend_notice` says so. Two of these packages must never be installed side by side:
they overwrite each other's files.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from build_tools.errors import BuildError

OFFICIAL = "OpenCC"  #: the C++ wheel
PURE_PYTHON = "opencc-py"  #: the same project's pure-Python build
REIMPLEMENTED = "opencc-python-reimplemented"  #: a third-party port with old dictionaries
PROVIDERS: tuple[str, ...] = (OFFICIAL, PURE_PYTHON, REIMPLEMENTED)

MISSING = (
    "no OpenCC is installed, so the Traditional editions cannot be made. "
    "Install the project's dependencies (pip install -e .), or at least "
    "pip install 'OpenCC>=1.4.2'; where no wheel exists for this platform, "
    "pip install opencc-py instead (never both)."
)
REIMPLEMENTED_NOTICE = (
    "OpenCC: the 'opencc' module in use comes from opencc-python-reimplemented, a "
    "pure-Python port that ships dictionaries years older than OpenCC 1.4: it fails part of "
    "OpenCC's own test suite (more 后/後, 干/乾/幹, 只/隻 and 里/裏 mistakes, older Taiwan "
    "and Hong Kong phrasing) and converts about a hundred times slower. Replace it with "
    "pip uninstall -y opencc-python-reimplemented && pip install 'OpenCC>=1.4.2' "
    "(or pip install opencc-py where no OpenCC wheel exists)."
)
CLASH_NOTICE = (
    "OpenCC: {names} are all installed and each provides the module 'opencc', so their "
    "files overwrite each other. Uninstall all of them, then install only 'OpenCC>=1.4.2' "
    "(or opencc-py where no wheel exists)."
)


@dataclass(frozen=True)
class Backend:
    """Which package provides ``opencc`` here."""

    provider: str  #: one of PROVIDERS, or "unknown" for a module of another origin
    version: str
    installed: tuple[str, ...]  #: every provider of the module that is installed


def _installed_providers() -> tuple[str, ...]:
    found = []
    for name in PROVIDERS:
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        found.append(name)
    return tuple(found)


def _module() -> ModuleType:
    try:
        return importlib.import_module("opencc")
    except ImportError as error:
        raise BuildError(MISSING) from error


@functools.cache
def backend() -> Backend:
    """The package that provides ``opencc``: by its metadata, or by its files when that is
    ambiguous (two providers installed, or a copied-in module)."""
    module = _module()
    installed = _installed_providers()
    if len(installed) == 1:
        provider = installed[0]
    elif hasattr(module, "opencc_clib"):
        provider = OFFICIAL
    elif (Path(module.__file__ or ".").parent / "dictionary").is_dir():
        provider = REIMPLEMENTED  # it ships its dictionaries as opencc/dictionary/*.txt
    elif PURE_PYTHON in installed:
        provider = PURE_PYTHON
    else:
        provider = "unknown"
    version = str(getattr(module, "__version__", "")) or _dist_version(provider)
    return Backend(provider, version, installed)


def _dist_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def backend_notice() -> str | None:
    """A warning to print when the conversion cannot be trusted as it stands, else None."""
    try:
        found = backend()
    except BuildError as error:
        return str(error)
    if len(found.installed) > 1:
        return CLASH_NOTICE.format(names=", ".join(found.installed))
    if found.provider == REIMPLEMENTED:
        return REIMPLEMENTED_NOTICE
    return None


def _open(module: ModuleType, config: str) -> Callable[[str], str]:
    """One OpenCC converter for one configuration name such as ``s2t``."""
    errors: list[str] = []
    # OpenCC 1.1 wants "s2t.json", 1.4 takes either, the Python ports want "s2t".
    names = (f"{config}.json", config) if backend().provider == OFFICIAL else (config,)
    for name in names:
        try:
            engine = module.OpenCC(name)
        except Exception as error:  # each port raises its own type
            errors.append(f"{name}: {error}")
            continue
        return engine.convert  # type: ignore[no-any-return]
    raise BuildError(
        f"OpenCC ({backend().provider} {backend().version}) cannot load the configuration "
        f"{config!r}: {'; '.join(errors)}"
    )


@functools.cache
def converter(config: str) -> Callable[[str], str]:
    """The converter for ``config`` (``"s2t"``, or a chain ``"tw2t+t2hk"``), built once.

    >>> converter("s2t")("头发干燥")
    '頭髮乾燥'
    """
    steps = [step.strip() for step in config.split("+") if step.strip()]
    if not steps:
        raise BuildError(f"empty OpenCC configuration {config!r}")
    module = _module()
    engines = [_open(module, step) for step in steps]
    if len(engines) == 1:
        return engines[0]

    def chained(text: str) -> str:
        for engine in engines:
            text = engine(text)
        return text

    return chained
