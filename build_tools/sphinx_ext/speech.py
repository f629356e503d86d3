"""A speech page's doctree → the same doctree with the book around it.

At read time, for every ``speeches/*`` document: a metadata header after the title (with
general-index entries for speaker and place), the notice for an incomplete text, links from
《title》 mentions and from key terms (``links.py``), and "related speeches" at the end.
Everything is built from docutils nodes (never raw HTML: the metadata is untrusted) and its
Chinese text is converted for the edition. The result depends on the edition, not on the
builder, so HTML and EPUB share the edition's doctree cache.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from build_tools.sphinx_ext import book_state, edition
from build_tools.sphinx_ext.catalogue import DATE, Entry, format_date, slugify
from build_tools.sphinx_ext.collection import Collection
from build_tools.sphinx_ext.links import IndexEntry, in_book_block, link_mentions, link_terms, xref

logger = logging.getLogger(__name__)

BAD_URL = (
    "source_url {url!r} is not an http(s) address, so it is not linked; "
    "correct it in the front matter or remove it"
)
DESCRIPTION_LENGTH = 120


class SpeechPage(SphinxTransform):
    """Surround a speech with its metadata, cross-links and related speeches."""

    #: After MyST's transforms have assigned ids; before Sphinx's domains collect labels and
    #: index entries from the doctree (SphinxDomains, 850).
    default_priority = 840

    def apply(self, **kwargs: object) -> None:
        docname = self.env.docname
        collection = book_state.collection(self.env)
        entry = collection.by_docname.get(docname) if collection else None
        if collection is None or entry is None:
            return
        page = SpeechContext(collection, entry, edition.spelling(self.config, self.env.srcdir))
        section = self.document.next_node(nodes.section)
        body: nodes.Element = section if section is not None else self.document
        body["classes"].append("book-speech")
        title = body.first_child_matching_class(nodes.title)
        at = 0 if title is None else title + 1
        body[at:at] = page.header()
        link_mentions(body, page)
        link_terms(body, page)
        related = page.related()
        if related is not None:
            body.append(related)
        # OpenGraph would describe the page by its metadata header; describe it by its text.
        metadata = self.env.metadata[docname]
        metadata.setdefault("og:description", description(body))
        metadata.setdefault("og:type", "article")
        book_state.signatures(self.env)[docname] = ("speech", collection.speech_signature(docname))


class SpeechContext:
    """One speech being enriched: its entry, the collection, and the edition's spelling."""

    def __init__(self, collection: Collection, entry: Entry, spelling: edition.Spelling) -> None:
        self.collection = collection
        self.entry = entry
        self.docname = entry.docname
        self.spelling = spelling
        self.script = spelling.script

    def t(self, simplified: str) -> str:
        """Text the extension writes (in Simplified), in the edition's spelling."""
        return self.spelling.text(simplified)

    def v(self, value: str, entry: Entry | None = None) -> str:
        """A metadata value of ``entry`` (this speech by default), in the edition's spelling."""
        return self.spelling.text(value, (entry or self.entry).script)

    def ref(self, kind: str, target: str, text: str, *, explicit: bool = True) -> nodes.Node:
        return xref(kind, target, text, self.docname, explicit=explicit)

    # -- the header ------------------------------------------------------------------------
    def header(self) -> list[nodes.Node]:
        """The metadata block (日期／演讲者／地点／来源, then 类别 and 主题) and the
        incomplete-text notice, after the title."""
        e, c = self.entry, self.collection
        index = addnodes.index(entries=[])
        rows = nodes.definition_list(classes=["book-meta-fields"])
        date = self.t(format_date(e.date))
        rows += row(
            self.t("日期"), self.ref("ref", f"year-{e.year}", date) if e.year else nodes.Text(date)
        )
        if e.speaker:
            slug = c.slugs["speaker"][c.hans(e, e.speaker)]
            rows += row(self.t("演讲者"), self.ref("ref", f"speaker-{slug}", self.v(e.speaker)))
            index["entries"].append(self.name_entry(e.speaker, "book-meta"))
        if e.place:
            rows += row(self.t("地点"), nodes.Text(self.v(e.place)))
            index["entries"].append(self.name_entry(e.place, "book-meta"))
        source = self.source()
        if source:
            rows += row(self.t("来源"), *source)
        if e.category:
            slug = c.slugs["category"][c.hans(e, e.category)]
            rows += row(self.t("类别"), self.ref("ref", f"category-{slug}", self.v(e.category)))
        if e.tags:
            refs: list[nodes.Node] = []
            for tag in e.tags:
                slug = c.slugs["tag"][c.hans(e, tag) or tag]
                refs += [nodes.Text("、")] if refs else []
                refs.append(self.ref("ref", f"tag-{slug}", self.v(tag)))
            rows += row(self.t("主题"), *refs)
        result: list[nodes.Node] = [
            nodes.container("", index, rows, ids=["book-meta"], classes=["book-meta"])
        ]
        if e.incomplete:
            notice = nodes.admonition(
                classes=["book-incomplete", "attention"], ids=["book-incomplete"]
            )
            notice += nodes.title("", self.t("文本不完整"))
            notice += nodes.paragraph("", self.t("原始文本有缺损或在结尾处被截断，以下并非全文。"))
            result.append(notice)
        return result

    def source(self) -> list[nodes.Node]:
        """Where the original can be found, as a reader cites it: the publication or site,
        linked to the original (http(s) addresses only: the text is untrusted), and the
        date it was published there. The file it was imported from is the editor's
        business (the import report names it), never the reader's."""
        e = self.entry
        url = e.source_url
        parts = urlsplit(url or "")
        if url and (parts.scheme not in ("http", "https") or not parts.netloc):
            logger.warning(
                BAD_URL.format(url=url), location=self.docname, type="book", subtype="source-url"
            )
            url = None
        name = self.v(e.source) if e.source else None
        if name is None and url is not None:
            name = parts.netloc.removeprefix("www.")
        if name is None:
            return []
        result: list[nodes.Node] = [
            nodes.reference("", name, refuri=url, classes=["book-source"])
            if url
            else nodes.Text(name)
        ]
        if e.published and DATE.match(e.published):
            result.append(nodes.Text(self.t(f"，{format_date(e.published)}")))
        return result

    # -- index entries ---------------------------------------------------------------------
    def index_entry(self, shown: str, simplified: str, target: str) -> IndexEntry:
        """A general-index entry "name; speech title", grouped under the Hanyu Pinyin initial
        of the name, which is the same letter in every edition."""
        key = slugify(simplified)[:1].upper()
        title = self.v(self.entry.title).replace(";", "；")
        value = f"{shown.replace(';', '；')}; {title}"
        return ("single", value, target, "", key if key.isalpha() else None)

    def name_entry(self, name: str, target: str) -> IndexEntry:
        """The index entry of a name from the metadata (speaker, place)."""
        return self.index_entry(
            self.v(name), self.collection.hans(self.entry, name) or name, target
        )

    # -- related speeches ------------------------------------------------------------------
    def related(self) -> nodes.container | None:
        """Up to five related speeches (``Collection.related``), with date and speaker."""
        docs = self.collection.related.get(self.docname, ())
        if not docs:
            return None
        items = nodes.bullet_list()
        for other in docs:
            entry = self.collection.by_docname[other]
            facts = [self.t(format_date(entry.date))]
            if entry.speaker:
                facts.append(self.v(entry.speaker, entry))
            paragraph = nodes.paragraph("", "", self.ref("doc", f"/{other}", other, explicit=False))
            paragraph += nodes.Text(" ")
            paragraph += nodes.inline("", " · ".join(facts), classes=["book-list-meta"])
            items += nodes.list_item("", paragraph)
        rubric = nodes.rubric("", self.t("相关演讲"))
        return nodes.container("", rubric, items, ids=["book-related"], classes=["book-related"])


def row(name: str, *body: nodes.Node) -> nodes.definition_list_item:
    """One line of the metadata block: 日期：1923年12月26日 (the colon full-width)."""
    term = nodes.term("", f"{name}：")
    definition = nodes.definition("", nodes.paragraph("", "", *body))
    return nodes.definition_list_item("", term, definition)


def description(root: nodes.Element, length: int = DESCRIPTION_LENGTH) -> str:
    """The opening of the speech's text, for search engines and link previews."""
    text = ""
    for paragraph in root.findall(nodes.paragraph):
        if in_book_block(paragraph, root):
            continue
        text += " ".join(paragraph.astext().split())
        if len(text) >= length:
            return text[: length - 1] + "…"
    return text
