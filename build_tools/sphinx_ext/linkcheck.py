"""A folder of published pages → the internal links and anchors in it that do not resolve.

Works on the HTML site (``_build/site``) and on an unzipped EPUB alike: every ``href``,
``src`` and form ``action`` in ``.html``/``.xhtml`` pages, ``.opf`` and ``.ncx`` files, and
every ``url()`` in stylesheets, that is not an absolute URL must name a file inside the
folder, and its ``#fragment`` an ``id`` (or ``<a name>``) of that page.

    problems = check_links(Path("_build/site"))
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
MARKUP_SUFFIXES = (*PAGE_SUFFIXES, ".opf", ".ncx")
LINK_ATTRIBUTES = frozenset({"href", "src", "action", "poster", "data"})
#: ``url(...)`` in CSS, quoted or not.
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
#: Links that never name a file: other schemes, and protocol-relative addresses.
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


class _Scan(HTMLParser):
    """The links and the anchors of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.anchors.add(value)
            elif name in LINK_ATTRIBUTES and not (tag == "object" and name != "data"):
                self.links.append(value)

    handle_startendtag = handle_starttag


def scan_page(path: Path) -> tuple[list[str], set[str]]:
    """``(links, anchors)`` of a page, an OPF or NCX file, or a stylesheet."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".css":
        return [m[2] for m in CSS_URL.finditer(_strip_css_comments(text))], set()
    parser = _Scan()
    parser.feed(text)
    parser.close()
    return parser.links, parser.anchors


def _strip_css_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def check_links(root: Path, *, ignore: Iterable[str] = ()) -> list[str]:
    """Every broken internal link under ``root``, as ``"page: link: reason"``, sorted.

    ``ignore`` holds glob patterns of link targets (relative to ``root``, after resolving)
    that may be missing, e.g. ``"downloads/*.epub"`` before the EPUBs are built.
    """
    root = root.resolve()
    patterns = tuple(ignore)
    files = [p for p in sorted(root.rglob("*")) if p.is_file()]
    scanned: dict[Path, tuple[list[str], set[str]]] = {}
    for path in files:
        static = "_static" in path.relative_to(root).parts
        # Themes ship Jinja macro files as _static/*.html: templates, not pages.
        if path.suffix == ".css" or (path.suffix in MARKUP_SUFFIXES and not static):
            scanned[path] = scan_page(path)
    problems = []
    for path, (links, _) in scanned.items():
        for link in dict.fromkeys(links):
            reason = _check(root, path, link, scanned, patterns)
            if reason:
                problems.append(f"{path.relative_to(root).as_posix()}: {link}: {reason}")
    return sorted(problems)


def _check(
    root: Path,
    page: Path,
    link: str,
    scanned: dict[Path, tuple[list[str], set[str]]],
    ignore: tuple[str, ...],
) -> str:
    """Why ``link`` on ``page`` is broken, or "" when it resolves."""
    link = link.strip()
    if not link or EXTERNAL.match(link):
        return ""
    parts = urlsplit(link)
    target = _resolve(page.parent, unquote(parts.path)) if parts.path else page
    try:
        relative = target.relative_to(root).as_posix()
    except ValueError:
        return "points outside the checked folder"
    if any(fnmatch.fnmatchcase(relative, pattern) for pattern in ignore):
        return ""
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return "no such file"
    fragment = unquote(parts.fragment)
    if not fragment or fragment.startswith(":~:") or target.suffix not in PAGE_SUFFIXES:
        return ""
    if target not in scanned:
        scanned[target] = scan_page(target)
    if fragment not in scanned[target][1]:
        return f"no anchor #{fragment} in {target.relative_to(root).as_posix()}"
    return ""


def _resolve(folder: Path, path: str) -> Path:
    """``path`` relative to ``folder``, with ``..`` resolved lexically (no symlinks)."""
    if path.startswith("/"):
        return Path(path)
    parts: list[str] = list(folder.parts)
    for piece in PurePosixPath(path).parts:
        if piece == "..":
            if len(parts) > 1:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return Path(*parts)
