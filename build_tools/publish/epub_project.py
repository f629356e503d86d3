"""What a project says about its EPUBs: conf.py's settings, the speeches' front matter, the
epoch, Sphinx's EPUB tree, and digests of all of it for ``epub_state``."""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from build_tools.atomic import read_pickle, stamp, write_pickle
from build_tools.errors import BuildError
from build_tools.publish.epub_dress import Dressing, EpubMeta
from build_tools.publish.epub_state import (
    Digest,
    Known,
    State,
    code_fingerprint,
    font_fingerprint,
    sphinx_fingerprint,
)
from build_tools.variants.table import Variant

#: conf.py's one switch for vertical writing (registered by build_tools.variants).
VERTICAL_SETTING = "variants_vertical_writing"
#: What ``read_front_matter`` keeps between runs, for every edition.
FRONT_MATTER_CACHE = Path("_build") / "epub" / "front-matter.cache"
#: libyaml's loader where PyYAML has it: the same documents, ten times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Edition:
    """One edition of a project as publishing reads it, and digests of what it reads."""

    root: Path
    variant: Variant
    conf: Mapping[str, object]
    epoch: int | None  #: SOURCE_DATE_EPOCH, or the time of the last commit of the book
    front_matter: Mapping[str, FrontMatter]  #: docname → the YAML text and its data
    sphinx: Mapping[str, str]  #: Sphinx's EPUB tree: zip entry → SHA-256
    covers: str  #: digest of what a drawn cover depends on besides its text: code, fonts
    settings: str  #: digest of that, the editor's cover, the edition and the epoch
    inputs: str  #: digest of all publishing reads

    @classmethod
    def read(cls, root: Path, variant: Variant, *, known: Known | None = None) -> Edition:
        """``known``: see ``sphinx_fingerprint``."""
        from build_tools.variants.dictionary import PROJECT_FILE

        conf = runpy.run_path(str(root / "conf.py"))
        epoch = source_date_epoch(root)
        front_matter = read_front_matter(root / "source", cache=root / FRONT_MATTER_CACHE)
        sphinx = sphinx_fingerprint(sphinx_dir(root, variant), known=known)
        covers = Digest().add("code", code_fingerprint()).add("fonts", font_fingerprint()).hex()
        settings = (
            Digest()
            .add("covers", covers)
            .add("cover", _read(_cover_setting(root, conf)))
            .add("variant", variant)
            .add("epoch", epoch)
            .hex()
        )
        inputs = (
            Digest()
            .add("settings", settings)
            .add("conf", _plain_settings(conf))
            .add("front matter", sorted((name, fm.text) for name, fm in front_matter.items()))
            .add("dictionary", _read(root / "source" / PROJECT_FILE))
            .add("sphinx", sorted(sphinx.items()))
            .hex()
        )
        return cls(root, variant, conf, epoch, front_matter, sphinx, covers, settings, inputs)

    @property
    def sphinx_dir(self) -> Path:
        return sphinx_dir(self.root, self.variant)

    @property
    def state_path(self) -> Path:
        return self.sphinx_dir.with_name(f"{self.variant.name}.publish.json")

    @property
    def downloads(self) -> Path:
        return self.root / "_build" / "site" / "downloads"

    @property
    def slug(self) -> str:
        return str(self.conf.get("book_slug", "book"))

    @property
    def whole_path(self) -> Path:
        from build_tools.publish.site import epub_name

        return self.downloads / epub_name(self.slug, self.variant)

    @property
    def web_url(self) -> str | None:
        base = str(self.conf.get("html_baseurl") or "")
        return f"{base.rstrip('/')}/{self.variant.name}/" if base else None

    def part_files(self) -> list[Path]:
        return sorted(self.downloads.glob(f"{self.slug}-{self.variant.name}-*.epub"))

    def intact(self, state: State) -> bool:
        """The downloads hold exactly the EPUBs ``state`` lists, as they were written."""
        return state.intact(self.downloads, [self.whole_path, *self.part_files()])

    def meta(self) -> tuple[EpubMeta, dict[str, str]]:
        """The book's ``EpubMeta`` (see ``meta_from_conf``) and its speeches' dates."""
        front = _data(self.front_matter)
        convert = _converter(self.root, self.variant)
        return _meta(self.root, self.conf, front, self.variant, convert=convert), _dates(front)

    def cover_key(self, dressing: Dressing) -> str:
        """The digest of what a book's drawn cover is made from: its text, the edition's script
        (which picks the font), the fonts, this code and the editor's cover (the fallback). A
        new epoch does not change it, so the next run need not draw the covers again."""
        supplied = _read(dressing.meta.cover_image or dressing.fallback_cover)
        digest = Digest().add("covers", self.covers).add("text", dressing.cover_text)
        digest.add("traditional", dressing.variant.traditional)
        return digest.add("supplied", supplied).hex()

    def dressing_key(self, meta: EpubMeta) -> str:
        """The digest of what dressing does to every document alike (see ``epub_cache``):
        this code, the edition's language tag and vertical writing."""
        digest = Digest().add("code", code_fingerprint()).add("language", self.variant.bcp47)
        return digest.add("vertical", meta.vertical).hex()

    def whole_key(self, meta: EpubMeta, dates: Mapping[str, str]) -> str:
        """The digest of what the whole book, and with it every part, is made from."""
        digest = Digest().add("settings", self.settings).add("meta", meta)
        digest.add("web", self.web_url).add("dates", sorted(dates.items()))
        return digest.add("sphinx", sorted(self.sphinx.items())).hex()


def sphinx_dir(root: Path, variant: Variant) -> Path:
    """Where Sphinx's EPUB builder writes the edition's tree."""
    return root / "_build" / "epub" / variant.name


def cache_path(root: Path, variant: Variant) -> Path:
    """Where ``epub_cache.Cache`` is kept for the edition."""
    return sphinx_dir(root, variant).with_name(f"{variant.name}.publish.cache")


def _read(path: Path | None) -> bytes | None:
    return path.read_bytes() if path is not None and path.is_file() else None


def _plain_settings(conf: Mapping[str, object]) -> list[tuple[str, str]]:
    """conf.py's settings that are plain data, as text: all that publishing may read (modules
    and functions say nothing about the book)."""
    plain = (str, int, float, bool, type(None), list, tuple, dict)
    return sorted(
        (k, repr(v)) for k, v in conf.items() if not k.startswith("_") and isinstance(v, plain)
    )


# -- conf.py and front matter ---------------------------------------------------------------


def speech_dates(source: Path) -> dict[str, str]:
    """docname → ``date`` of every MyST file under ``source`` that has one in its front
    matter (``speeches/1923-12-26-nala`` → ``"1923-12-26"``)."""
    return _dates(_data(read_front_matter(source)))


def _dates(front: Mapping[str, Mapping[str, object]]) -> dict[str, str]:
    return {name: str(fm["date"]) for name, fm in front.items() if fm.get("date")}


@dataclass(frozen=True)
class FrontMatter:
    text: str  #: the YAML between the ``---`` lines
    data: dict[str, object] | None  #: what it says; ``None`` when it is not a mapping


def read_front_matter(source: Path, *, cache: Path | None = None) -> dict[str, FrontMatter]:
    """docname → the front matter of every MyST file under ``source`` that opens with one.
    With ``cache`` (a pickle this function keeps), a file whose modification time and size
    are those of the last run is neither read nor parsed again: 0.2 s of every publish at
    1,000 speeches."""
    kept = read_pickle(cache) if cache is not None else None
    known: dict[str, tuple[tuple[int, int], FrontMatter | None]] = (
        kept if isinstance(kept, dict) else {}
    )
    seen: dict[str, tuple[tuple[int, int], FrontMatter | None]] = {}
    for path in sorted(source.rglob("*.md")):
        name = path.relative_to(source).with_suffix("").as_posix()
        now = stamp(path)
        found = known.get(name)
        if found is None or found[0] != now:
            text = path.read_text(encoding="utf-8")
            head = text[4:].split("\n---\n", 1)[0] if text.startswith("---\n") else None
            found = (now, FrontMatter(head, _parse_yaml(head)) if head is not None else None)
        seen[name] = found
    if cache is not None and seen != known:
        write_pickle(cache, seen)
    return {name: matter for name, (_, matter) in seen.items() if matter is not None}


def _data(front: Mapping[str, FrontMatter]) -> dict[str, dict[str, object]]:
    return {name: fm.data for name, fm in front.items() if fm.data is not None}


def _parse_yaml(head: str) -> dict[str, object] | None:
    try:
        data = yaml.load(head, Loader=YAML_LOADER)
    except yaml.YAMLError:
        return None  # the importer and Sphinx report bad front matter; not this step
    return data if isinstance(data, dict) else None


def meta_from_conf(
    root: Path, variant: Variant, *, convert: Callable[[str, str], str] | None = None
) -> EpubMeta:
    """The book's ``EpubMeta`` from ``conf.py`` and the speeches' front matter.

    conf.py: ``project`` (title), ``author`` (editor), ``epub_publisher``, ``epub_copyright``,
    ``book_description``, ``book_slug``, ``epub_cover_image`` (an editor's cover, relative to
    conf.py; empty: generate one) and ``variants_vertical_writing`` (the one switch for
    vertical writing, registered by ``build_tools.variants``: True sets the Traditional
    editions vertically; zh-Hans stays horizontal). Subjects are the speeches' categories;
    the date range runs from the earliest to the latest dated speech.
    ``convert(text, script)`` spells text written in ``script`` ("hans": conf.py) the
    edition's way; ``None`` leaves it as it is.
    """
    conf = runpy.run_path(str(root / "conf.py"))
    front = _data(read_front_matter(root / "source"))
    return _meta(root, conf, front, variant, convert=convert)


def _meta(
    root: Path,
    conf: Mapping[str, object],
    front: Mapping[str, Mapping[str, object]],
    variant: Variant,
    *,
    convert: Callable[[str, str], str] | None,
) -> EpubMeta:
    def spell(text: object, script: object = "hans") -> str:
        return convert(str(text), str(script)) if convert else str(text)

    dates = sorted(d for fm in front.values() if (d := str(fm.get("date", "")))[:4].isdigit())
    categories = sorted(
        {
            spell(fm["category"], fm.get("script", "hans"))
            for fm in front.values()
            if fm.get("category")
        }
    )
    cover = _cover_setting(root, conf)
    description = conf.get("book_description") or conf.get("epub_description") or ""
    return EpubMeta(
        title=spell(conf.get("epub_title") or conf.get("project", "")),
        creator=spell(conf.get("author", "")),
        description=spell(description),
        subjects=tuple(categories),
        date_range=(dates[0], dates[-1]) if dates else None,
        cover_image=cover,
        vertical=bool(conf.get(VERTICAL_SETTING)) and variant.traditional,
        slug=str(conf.get("book_slug", "book")),
        publisher=spell(conf.get("epub_publisher", "")),
        rights=spell(conf.get("epub_copyright") or conf.get("copyright", "")),
    )


def _cover_setting(root: Path, conf: Mapping[str, object]) -> Path | None:
    cover = str(conf.get("epub_cover_image") or "")
    return root / cover if cover else None


def source_date_epoch(root: Path | None = None) -> int | None:
    """``SOURCE_DATE_EPOCH`` from the environment (reproducible-builds.org); unset, the time of
    the last commit that changed the book (``source/`` or ``conf.py`` of ``root``, in a git
    work tree), so that a commit elsewhere (code, tests) leaves the EPUBs as they are; else
    ``None``."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return _last_commit_time(root) if root is not None else None
    if not value.isdigit():
        raise BuildError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}")
    return int(value)


def _last_commit_time(root: Path) -> int | None:
    git = shutil.which("git")
    if git is None:
        return None
    result = subprocess.run(
        [git, "-C", str(root), "log", "-1", "--format=%ct", "--", "source", "conf.py"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    value = result.stdout.strip()
    return int(value) if result.returncode == 0 and value.isdigit() else None


def _converter(root: Path, variant: Variant) -> Callable[[str, str], str]:
    """Plain text in a source script, spelled as ``variant`` spells it (with the project's
    conversion dictionary), the way the Sphinx extension converts the speeches."""
    from build_tools.variants.convert import convert_text
    from build_tools.variants.dictionary import project_dictionary

    dictionary = project_dictionary(root / "source")

    def convert(text: str, script: str) -> str:
        return convert_text(text, variant, script=script, dictionary=dictionary)

    return convert
