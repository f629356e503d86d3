"""Text → cross-references: 《title》 mentions of other speeches, first uses of key terms.

Works on the doctree after the edition's conversion, on text outside titles, links, code
and the book's own blocks. Every link is a ``pending_xref`` that Sphinx resolves at write
time, so a broken one is reported by ``-n`` instead of silently pointing nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from docutils import nodes
from sphinx import addnodes

from build_tools.sphinx_ext.catalogue import MENTION, Entry
from build_tools.sphinx_ext.collection import Collection
from build_tools.sphinx_ext.glossary import first_occurrences

#: Nodes whose text is never rewritten into links.
SKIP = (
    nodes.title, nodes.subtitle, nodes.rubric, nodes.reference, addnodes.pending_xref,
    nodes.literal, nodes.literal_block, nodes.raw, nodes.comment, nodes.target,
    nodes.footnote_reference, nodes.citation_reference, addnodes.index,
)  # fmt: skip
#: The classes of the blocks the extension adds (never linked, never described).
BOOK_CLASSES = frozenset({"book-meta", "book-related", "book-incomplete"})

IndexEntry = tuple[str, str, str, str, str | None]


class Page(Protocol):
    """What linking needs to know about the page (``speech.SpeechContext``)."""

    collection: Collection
    entry: Entry
    docname: str
    script: str

    def t(self, simplified: str) -> str: ...

    def index_entry(self, shown: str, simplified: str, target: str) -> IndexEntry: ...


def xref(
    kind: str, target: str, text: str, docname: str, *, explicit: bool = True
) -> addnodes.pending_xref:
    """A ``std`` cross-reference (``ref`` to a label, ``doc`` to a page) with its text."""
    node = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype=kind,
        reftarget=target,
        refexplicit=explicit,
        refwarn=True,
        refdoc=docname,
    )
    node += nodes.inline("", text)
    return node


def in_book_block(node: nodes.Node, root: nodes.Element) -> bool:
    """Whether ``node`` sits inside one of the blocks the extension added."""
    parent = node.parent
    while parent is not None and parent is not root:
        if BOOK_CLASSES.intersection(parent.get("classes", ())):
            return True
        parent = parent.parent
    return False


def text_nodes(root: nodes.Element) -> Iterator[nodes.Text]:
    """The Text nodes that may become links, in document order."""
    for node in list(root.findall(nodes.Text)):
        parent = node.parent
        while parent is not None and parent is not root:
            if isinstance(parent, SKIP) or BOOK_CLASSES.intersection(parent.get("classes", ())):
                break
            parent = parent.parent
        else:
            yield node


def replace_spans(
    text_node: nodes.Text,
    spans: list[tuple[int, int]],
    make: Callable[[int, str], list[nodes.Node]],
) -> None:
    """Replace the ``spans`` of a Text node by what ``make(i, text)`` builds for span ``i``."""
    text, pos = str(text_node), 0
    pieces: list[nodes.Node] = []
    for i, (start, end) in enumerate(spans):
        if start > pos:
            pieces.append(nodes.Text(text[pos:start]))
        pieces += make(i, text[start:end])
        pos = end
    if pos < len(text):
        pieces.append(nodes.Text(text[pos:]))
    text_node.parent.replace(text_node, pieces)


def link_mentions(root: nodes.Element, page: Page) -> None:
    """《title》 naming another speech of the collection → 《title》 linked to that speech."""
    for node in text_nodes(root):
        found: list[tuple[int, int, str]] = []
        for match in MENTION.finditer(str(node)):
            name = match[1].strip()
            target = page.collection.resolve_mention(name, page.script, docname=page.docname)
            if target:
                found.append((match.start(1), match.end(1), target))
        if found:

            def make(
                i: int, text: str, found: list[tuple[int, int, str]] = found
            ) -> list[nodes.Node]:
                return [xref("doc", f"/{found[i][2]}", text, page.docname)]

            replace_spans(node, [(start, end) for start, end, _ in found], make)


def link_terms(root: nodes.Element, page: Page) -> None:
    """The first occurrence of each key term → a link to its glossary entry; of each
    organisation → an index target. Both get a general-index entry pointing there."""
    terms = page.collection.terms
    wanted = {slug: terms[slug] for slug in (*page.entry.terms, *page.entry.organisations)}
    spellings = {slug: tuple(page.t(s) for s in t.spellings) for slug, t in wanted.items()}
    for node in text_nodes(root):
        if not spellings:
            break
        hits = first_occurrences(str(node), spellings)
        for *_, slug in hits:
            del spellings[slug]

        def make(i: int, text: str, hits: list[tuple[int, int, str]] = hits) -> list[nodes.Node]:
            term = wanted[hits[i][2]]
            kind = "term" if term.kind == "term" else "org"
            target_id = f"book-{kind}-{term.slug}"
            index = addnodes.index(entries=[page.index_entry(text, term.name, target_id)])
            # The index entry's target is the word itself: Sphinx's search page shows the
            # target's text as the result summary, and fails on an empty one.
            if kind == "term":
                word = xref("ref", f"term-{term.slug}", text, page.docname)
                word["classes"].append("book-term")
                return [index, nodes.inline("", "", word, ids=[target_id])]
            return [index, nodes.inline("", text, ids=[target_id], classes=["book-organisation"])]

        if hits:
            replace_spans(node, [(start, end) for start, end, _ in hits], make)
