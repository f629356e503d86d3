"""The ``book-landing`` directive: the root page's overview, ways in, downloads and contents.

Put it on the root page (``:::{book-landing}`` + ``:::``). It writes what the collection is
(how many speeches by how many speakers, from when to when), the downloads, the ways in
(parts, speakers, categories, themes, search, index), the speeches themselves part by part
(title, speaker, date; a long part shows its first few and links to the rest) and the table
of contents of the book (parts, then the index pages). The
EPUB downloads are a placeholder resolved at write time, for the HTML builder only: the
doctree stays the same for HTML and EPUB.
"""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from build_tools.book_files import book_file
from build_tools.sphinx_ext import book_state, edition
from build_tools.sphinx_ext.catalogue import format_date
from build_tools.sphinx_ext.collection import Collection
from build_tools.sphinx_ext.collection_pages import INDEX_PAGES, index_docnames
from build_tools.sphinx_ext.links import xref
from build_tools.variants import table

#: Builders whose output sits in ``_build/site/<edition>/`` beside ``downloads/``.
SITE_BUILDERS = ("html",)
#: An ``only`` expression for what only the web site has (search, general index).
WEB_ONLY = "not builder_epub"
#: The front page lists at most this many speeches of a part, so that its size stays
#: proportional to the number of parts, not to the collection.
LANDING_PER_PART = 8

logger = logging.getLogger(__name__)


class book_downloads(nodes.General, nodes.Element):
    """Where the EPUB download links go; replaced (HTML) or removed (others) at write time."""


class BookLanding(SphinxDirective):
    has_content = False
    required_arguments = 0

    def run(self) -> list[nodes.Node]:
        collection = book_state.collection(self.env)
        if collection is None:
            return []
        t = edition.spelling(self.config, self.env.srcdir).text

        docname = self.env.docname
        entries = collection.entries
        dated = [e for e in entries if e.year]
        if dated:
            span = f"，时间从{format_date(dated[0].date)}到{format_date(dated[-1].date)}"
        else:
            span = ""
        about = nodes.paragraph("", t(f"本文集收录演讲与报告 {len(entries)} 篇{span}。"))
        result: list[nodes.Node] = [about]
        speakers = list(collection.speakers)
        if speakers:
            names = "、".join(speakers[:5]) + ("等" if len(speakers) > 5 else "")
            result.append(nodes.paragraph("", t(f"演讲者 {len(speakers)} 位：{names}。")))
        result.append(book_downloads())

        ways = nodes.bullet_list(classes=["book-ways-in"])
        for page in ("chronological", "years", "speakers", "categories", "tags", "glossary"):
            link = xref("ref", f"book-{page}", t(INDEX_PAGES[page]), docname)
            ways += nodes.list_item("", nodes.paragraph("", "", link))
        # The EPUB has neither a search page nor (epub_use_index = False) a general index.
        web_only = addnodes.only(expr=WEB_ONLY)
        for label, text in (
            ("search", "全文检索"),
            ("genindex", "索引（人名、地名、机构、关键词）"),
        ):
            web_only += nodes.list_item(
                "", nodes.paragraph("", "", xref("ref", label, t(text), docname))
            )
        ways += web_only
        result += self.speeches(collection, t)
        result += [nodes.rubric("", t("阅读入口")), ways]

        contents = "\n".join(f"/{d}" for d in index_docnames(collection)) + "\ngenindex"
        result += self.parse_text_to_nodes(
            f"```{{toctree}}\n:hidden:\n:titlesonly:\n\n{contents}\n```\n"
        )
        book_state.signatures(self.env)[docname] = ("landing", collection.landing_signature())
        return result

    def speeches(self, collection: Collection, t: Callable[[str], str]) -> list[nodes.Node]:
        """The speeches part by part: 1923年 · 1篇, then title, speaker and date of each."""
        how = edition.spelling(self.config, self.env.srcdir)
        docname = self.env.docname
        result: list[nodes.Node] = [nodes.rubric("", t("篇目"), classes=["book-landing-contents"])]
        for part in collection.parts:
            heading = nodes.paragraph(classes=["book-landing-part"])
            heading += xref("ref", part.label, t(part.title), docname)
            heading += nodes.Text(" ")
            heading += nodes.inline("", t(f"{len(part.docnames)}篇"), classes=["book-list-meta"])
            items = nodes.bullet_list(classes=["book-landing-list"])
            for other in part.docnames[:LANDING_PER_PART]:
                entry = collection.by_docname[other]
                facts = [how.text(entry.speaker, entry.script)] if entry.speaker else []
                facts.append(t(format_date(entry.date)))
                paragraph = nodes.paragraph(
                    "", "", xref("doc", f"/{other}", other, docname, explicit=False)
                )
                paragraph += nodes.Text(" ")
                paragraph += nodes.inline("", " · ".join(facts), classes=["book-list-meta"])
                items += nodes.list_item("", paragraph)
            rest = len(part.docnames) - LANDING_PER_PART
            if rest > 0:
                more = xref("ref", part.label, t(f"另有 {rest} 篇……"), docname)
                items += nodes.list_item("", nodes.paragraph("", "", more))
            result += [heading, items]
        return result


def editions(config: Config) -> list[table.Variant]:
    """The editions built together (``book_editions``), this one always included."""
    names = [n.strip() for n in config.book_editions.split(",") if n.strip()]
    current = edition.variant_of(config)
    result = []
    for name in names:
        try:
            result.append(table.get(name))
        except KeyError as err:
            logger.warning(str(err), type="book", subtype="config", once=True)
    return result if current in result else [current, *result]


def epub_href(config: Config, docname: str, edition_name: str, part: str | None = None) -> str:
    """The EPUB's address from ``docname``: ``../downloads/<slug>-<edition>[-<part>].epub``
    relative to the edition's root, named by the one rule (``book_files``)."""
    up = "../" * docname.count("/")
    return f"{up}../downloads/{book_file(config.book_slug, edition_name, part, suffix='epub')}"


class DownloadLinks(SphinxPostTransform):
    """Fill the landing page's download placeholder with the editions' EPUBs."""

    builders = SITE_BUILDERS
    default_priority = 100

    def run(self, **kwargs: object) -> None:
        t = edition.spelling(self.config, self.env.srcdir).text
        for node in list(self.document.findall(book_downloads)):
            paragraph = nodes.paragraph(classes=["book-downloads"])
            paragraph += nodes.Text(t("下载电子书（EPUB）："))
            for i, other in enumerate(editions(self.config)):
                paragraph += [nodes.Text(" · ")] if i else []
                href = epub_href(self.config, self.env.docname, other.name)
                # docutils writes a "language-" class as the lang attribute.
                classes = ["book-epub", f"language-{other.name}"]
                paragraph += nodes.reference("", other.label, refuri=href, classes=classes)
            node.replace_self(paragraph)


class DropDownloads(SphinxPostTransform):
    """Other builders (EPUB) have no downloads beside them: remove the placeholder."""

    default_priority = 101

    def run(self, **kwargs: object) -> None:
        for node in list(self.document.findall(book_downloads)):
            node.parent.remove(node)


def setup(app: Sphinx) -> None:
    app.add_node(book_downloads)
    app.add_directive("book-landing", BookLanding)
    app.add_post_transform(DownloadLinks)
    app.add_post_transform(DropDownloads)
