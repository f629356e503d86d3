"""A part's EPUB cut from the whole book's files: which documents it keeps, its table of
contents, its folder, its links to the rest of the book sent to the web edition.

Pure but for ``copy_part`` and ``files_besides_documents``, which read the whole book's folder
(``_build/epub/<edition>/``) and write the part's (``_build/epub/<edition>.parts/<key>/``).
The builder (``epub_builder.BookEpubBuilder.make_part``) then runs Sphinx's steps in that folder.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

from build_tools.sphinx_ext import book_state
from build_tools.sphinx_ext.collection import Part

#: An href inside an XHTML document: the target file and the fragment.
HREF = re.compile(r'(<a\b[^>]*?\bhref=")([^"#:]+\.xhtml)(#[^"]*)?"')


def part_docnames(part: Part) -> set[str]:
    """The documents a part's EPUB carries: the part page, its speeches and the glossary."""
    return {part.docname, *part.docnames, f"{book_state.COLLECTION_FOLDER}/glossary"}


def files_besides_documents(whole: Path, suffix: str, *, per_book: set[str]) -> list[str]:
    """The files in the whole book's folder other than its documents (``suffix``) and what
    Sphinx's steps write for each book (``per_book``): stylesheets, images, fonts."""
    found = []
    for root, _, files in os.walk(whole):
        folder = os.path.relpath(root, whole).replace(os.sep, "/")
        for file in files:
            name = file if folder == "." else f"{folder}/{file}"
            if not name.endswith(suffix) and name not in per_book:
                found.append(name)
    return sorted(found)


def copy_part(
    whole: Path, folder: Path, documents: set[str], *, shared: list[str], web: str
) -> None:
    """The files a part needs in ``folder``: its ``documents``, their links to the rest of
    the book sent to the web edition, and (hard) links to the whole book's ``shared`` files."""
    shutil.rmtree(folder, ignore_errors=True)
    for name in sorted(documents):
        text = (whole / name).read_text(encoding="utf-8")
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(leave_part(text, name, documents, web), "utf-8")
    for name in shared:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.link(whole / name, folder / name)


def part_refnodes(
    refnodes: list[dict[str, Any]], part_page: str, keep: set[str], suffix: str
) -> list[dict[str, Any]]:
    """The whole book's table of contents reduced to a part: the part page and what it
    includes, then the other kept documents (the glossary)."""
    start = next(i for i, n in enumerate(refnodes) if n["refuri"] == f"{part_page}{suffix}")
    end = next(
        (
            i
            for i in range(start + 1, len(refnodes))
            if refnodes[i]["level"] <= refnodes[start]["level"]
        ),
        len(refnodes),
    )
    others = [
        n
        for n in refnodes[:start] + refnodes[end:]
        if n["refuri"].split("#")[0].removesuffix(suffix) in keep
    ]
    return refnodes[start:end] + others


def leave_part(text: str, name: str, documents: set[str], web: str) -> str:
    """Links from document ``name`` to documents outside the part go to the web edition
    (``<web>speeches/x.html#id``), or lose their target when there is none.

    >>> leave_part('<a href="b.xhtml#n">', "a.xhtml", {"a.xhtml"}, "https://e.org/")
    '<a href="https://e.org/b.html#n">'
    """
    folder = os.path.dirname(name)

    def rewrite(match: re.Match[str]) -> str:
        target = os.path.normpath(os.path.join(folder, match[2])).replace(os.sep, "/")
        if target in documents:
            return match[0]
        if not web:
            return match[1] + '#"'
        return f'{match[1]}{web}{target.removesuffix(".xhtml")}.html{match[3] or ""}"'

    return HREF.sub(rewrite, text)
