"""Records → Pagefind bundle: the folder of record pages made into ``<outdir>/pagefind/``, whole or
as a small delta beside it.

Pagefind has no incremental mode, and making the bundle costs about 4 ms of CPU per speech
(about 4 s at 1,000 speeches, more than a whole rebuild after one edit). So a build makes the
*main* bundle from every record only when there is none or when many pages changed since it was
made; otherwise it makes a *delta* bundle (``pagefind/delta/``) of the pages changed since the
main bundle, and lists in ``pagefind/book-state.json`` the main bundle's pages that the delta
replaces or that were removed. The search page merges the delta into the main index
(Pagefind's ``mergeIndex``) and drops the listed pages. One edit indexes one page; every
``DELTA_SHARE``-th of the book changed makes the main bundle again.

A main bundle of a large book is made in *shards* of at most ``SHARD_PAGES`` pages, one
Pagefind run each (``pagefind/`` holds the first, ``pagefind/shard-<i>/`` the others, listed in
``book-state.json``), which the search page merges as it merges the delta: Pagefind holds
about 0.7 MB a page while it indexes (3.7 GB for 5,043 pages in one run, 0.7 GB for 1,000).

Pagefind's command line, not its Python API, makes the bundles: the API's service reads one
reply per tenth of a second, so adding the 22 pages of the test book one by one took 3.3 s
(the command: 0.9 s). The standard binary, not the "extended" one: Pagefind's Chinese
segmentation is not used (every Han character is a word already) and costs twice the time.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from build_tools.atomic import stamp, write_if_changed

DELTA = "delta"  #: the delta bundle, inside the main one (a new main bundle drops it)
STATE = "book-state.json"  #: in the bundle: the delta's address and the pages it replaces
DELTA_MIN = 20  #: pages changed that a delta always takes …
DELTA_SHARE = 20  #: … or this share of the book (1/20), whichever is more
#: Pages one Pagefind run indexes at most (about 0.7 GB of memory while it works).
SHARD_PAGES = 1000
SHARD = "shard-{}"  #: the other shards' folders, inside the main bundle
FRAGMENT_SIGNATURE = b"pagefind_dcd"

Stamps = dict[str, list[int]]


@dataclass
class BundleState:
    """What the bundles were made from (kept beside the doctrees)."""

    main: Stamps  #: url → (mtime, size) of each record in the main bundle
    ids: dict[str, str]  #: url → the main bundle's page id
    delta: Stamps  #: url → stamp of each record in the delta bundle
    removed: list[str]  #: urls in the main bundle whose page is gone
    shards: list[str]  #: the main bundle's other shards, relative to it ("shard-1/", …)

    @classmethod
    def read(cls, path: Path) -> BundleState | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(data["main"], data["ids"], data["delta"], data["removed"], data["shards"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, path: Path) -> None:
        write_if_changed(path, json.dumps(self.__dict__, ensure_ascii=False, sort_keys=True))


def update(
    records: dict[str, Path], bundle: Path, kept: Path, *, shard_pages: int = SHARD_PAGES
) -> str | None:
    """Make ``bundle`` find the ``records`` (url → record page): a new main bundle (in shards
    of at most ``shard_pages`` pages), a new delta, or nothing when the bundles already
    describe these records. Returns what was made ("main", "delta") or None. ``kept`` holds
    the ``BundleState``."""
    stamps = {url: list(stamp(path)) for url, path in records.items()}
    state = BundleState.read(kept) if (bundle / STATE).is_file() else None
    if state is not None:
        changed = {url: s for url, s in stamps.items() if state.main.get(url) != s}
        removed = sorted(state.main.keys() - stamps.keys())
        if changed == state.delta and removed == state.removed:
            return None
        if len(changed) + len(removed) <= max(DELTA_MIN, len(stamps) // DELTA_SHARE):
            _write_delta(records, changed, removed, bundle, state, scratch=kept.parent)
            state.delta, state.removed = changed, removed
            state.write(kept)
            return "delta"
    urls = sorted(records)
    groups = [urls[i : i + max(1, shard_pages)] for i in range(0, len(urls), max(1, shard_pages))]
    with tempfile.TemporaryDirectory(dir=kept.parent, prefix=".pagefind-") as folder:
        sites = [Path(folder) / str(i) for i in range(len(groups) or 1)]
        for site, group in zip(sites, groups, strict=False):
            _link_records({url: records[url] for url in group}, site)
        write_bundle(sites[0], bundle, shards=sites[1:])
    shards = [f"{SHARD.format(i)}/" for i in range(1, len(sites))]
    ids = page_ids(bundle, shards)
    _write_json(bundle / STATE, {"delta": None, "stale": [], "shards": shards})
    state = BundleState(stamps, {url: ids[url] for url in stamps if url in ids}, {}, [], shards)
    state.write(kept)
    return "main"


def _write_delta(
    records: dict[str, Path],
    changed: Stamps,
    removed: list[str],
    bundle: Path,
    state: BundleState,
    *,
    scratch: Path,
) -> None:
    delta = bundle / DELTA
    new_ids: set[str] = set()
    if changed:
        with tempfile.TemporaryDirectory(dir=scratch, prefix=".pagefind-") as folder:
            _link_records({url: records[url] for url in changed}, Path(folder))
            write_bundle(Path(folder), delta)
        new_ids = set(page_ids(delta).values())
    else:
        shutil.rmtree(delta, ignore_errors=True)
    # A page edited back to what the main bundle has keeps its id: it is not stale.
    stale = {state.ids[url] for url in [*changed, *removed] if url in state.ids} - new_ids
    _write_json(
        bundle / STATE,
        {"delta": f"{DELTA}/" if changed else None, "stale": sorted(stale), "shards": state.shards},
    )


def _link_records(records: dict[str, Path], folder: Path) -> None:
    """The records as a site Pagefind can walk: each at its url (hard links, no copies)."""
    for url, path in records.items():
        target = folder / url.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.hardlink_to(path)
        except OSError:
            shutil.copyfile(path, target)


def _write_json(path: Path, value: object) -> None:
    write_if_changed(path, json.dumps(value, ensure_ascii=False))


def page_ids(bundle: Path, shards: list[str] | None = None) -> dict[str, str]:
    """url → Pagefind's id of the page (its fragment's name), as search results give it, over
    the bundle and its ``shards``."""
    ids = {}
    fragments = [
        fragment
        for folder in [bundle, *(bundle / shard for shard in shards or ())]
        for fragment in sorted((folder / "fragment").glob("*.pf_fragment"))
    ]
    for fragment in fragments:
        data = gzip.decompress(fragment.read_bytes())
        if data.startswith(FRAGMENT_SIGNATURE):
            data = data[len(FRAGMENT_SIGNATURE) :]
        ids[json.loads(data)["url"]] = fragment.name.removesuffix(".pf_fragment")
    return ids


def write_bundle(site: Path, bundle: Path, *, shards: list[Path] | None = None) -> None:
    """Pagefind's bundle of the record pages under ``site`` written to ``bundle`` as a whole,
    and that of each of ``shards`` in ``bundle/shard-<i>/`` (one Pagefind run each): made
    beside it and swapped in, so a reader never meets half an index."""
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None:
        raise FileNotFoundError("no pagefind executable")
    fresh = bundle.with_name(f".{bundle.name}.new")
    old = bundle.with_name(f".{bundle.name}.old")
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    targets = [
        (site, fresh),
        *((s, fresh / SHARD.format(i)) for i, s in enumerate(shards or (), 1)),
    ]
    for source, output in targets:
        command = [str(executable), "--site", str(source), "--output-path", str(output)]
        done = subprocess.run(
            [*command, "--keep-index-url", "--silent"], capture_output=True, text=True, check=False
        )
        if done.returncode != 0 or not (output / "pagefind.js").is_file():
            shutil.rmtree(fresh, ignore_errors=True)
            raise RuntimeError((done.stderr or done.stdout).strip()[-500:] or "no bundle written")
    if bundle.exists():
        bundle.rename(old)
    fresh.rename(bundle)
    shutil.rmtree(old, ignore_errors=True)
