"""A speech's or part's doctree → Typst markup for the book design in ``typst/book.typ``.

Text from the book never becomes markup: every run of text is written as a Typst string
literal (``#"..."``), in which only ``\\`` and ``"`` (and control characters) need escaping,
so a speech's ``#``, ``*``, ``$``, ``_``, ``<``, ``@``, ``[`` or ``=`` is shown as it is. Only
the calls around the strings (``#strong[...]``, ``#footnote[...]``, the design's functions)
are Typst. A paragraph is one line, paragraphs are separated by a blank line.

What a printed book does not need is left out: the index entries, the list of a part's
speeches (the contents has them, with page numbers), related speeches, the path of the raw
file. References inside the book become their text (a part's PDF would not hold the target);
web addresses stay links.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import admonitionlabels
from sphinx.util.docutils import SphinxTranslator

from build_tools.sphinx_ext.translation import LANGUAGE_CLASS

#: Characters a Typst string literal cannot hold as they are: ``\``, ``"`` and the controls.
_STRING_ESCAPES = re.compile(r'[\\"\x00-\x1f\x7f]')
_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: A line break inside a text node: where the source file wrapped a paragraph.
_SOFT_BREAK = re.compile(r"[ \t]*\n[ \t]*")

SPEECH, PART = "speech", "part"


def typst_string(text: str) -> str:
    """``text`` as a Typst string literal: ``a"b`` gives ``"a\\"b"``."""
    return '"' + _STRING_ESCAPES.sub(_escape, text) + '"'


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    return _NAMED.get(char) or f"\\u{{{ord(char):x}}}"


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def join_soft_breaks(text: str, *, before: str = "", after: str = "") -> str:
    """A source line break is no space between two Chinese characters (a browser shows one,
    a book must not), and one space between Latin words: ``"中\\n文 a\\nb"`` → ``"中文 a b"``.
    ``before`` and ``after``: the text around ``text`` (a line break may be a node of its own).
    """
    if "\n" not in text:
        return text

    def join(match: re.Match[str]) -> str:
        left = text[match.start() - 1] if match.start() else before[-1:]
        right = text[match.end()] if match.end() < len(text) else after[:1]
        return "" if (left and _wide(left)) or (right and _wide(right)) else " "

    return _SOFT_BREAK.sub(join, text)


#: Quotation marks that Unicode shares between Chinese and Latin text.
_SHARED_QUOTES = re.compile("[\u2018\u2019\u201c\u201d]")


def text_call(text: str) -> str:
    """A run of the book's text as markup: ``#"..."``, or nothing for an empty run.

    The CJK fonts draw “”‘’ narrow (their Latin form) unless asked for the full-width form
    (OpenType ``fwid``), which Chinese text takes and which lets Typst compress them as CJK
    punctuation: a mark beside a Chinese character is written ``#fw("“")`` (``book.typ``); one
    between Latin letters (an apostrophe, an English quotation) stays as it is."""
    if not text:
        return ""
    out, start = [], 0
    for match in _SHARED_QUOTES.finditer(text):
        at = match.start()
        before = text[at - 1] if at else ""
        after = text[at + 1] if at + 1 < len(text) else ""
        if (before and _wide(before)) or (after and _wide(after)):
            if at > start:
                out.append(f"#{typst_string(text[start:at])}")
            out.append(f'#fw("{match[0]}")')
            start = at + 1
    if start < len(text):
        out.append(f"#{typst_string(text[start:])}")
    return "".join(out)


#: A BCP 47 tag as docutils' class keeps it (lowercased): language, then script or region.
_LANGUAGE_TAG = re.compile(r"(?P<lang>[a-z]{2,3})(?:-[a-z]{4})?(?:-(?P<region>[a-z]{2}))?")


def foreign_call(tag: str) -> str | None:
    """The design's call for text in another language: ``"en"`` → ``foreign(lang: "en")``,
    ``"en-gb"`` → ``foreign(lang: "en", region: "GB")`` (Typst takes an ISO 639 language and
    an ISO 3166 region apart); ``None`` for a tag Typst could not take, whose text then stays
    in the book's language."""
    match = _LANGUAGE_TAG.fullmatch(tag.lower())
    if match is None:
        return None
    region = match["region"]
    tail = f", region: {typst_string(region.upper())}" if region else ""
    return f"foreign(lang: {typst_string(match['lang'])}{tail})"


class TypstTranslator(SphinxTranslator):
    """Writes one document's body as Typst markup into ``self.output``.

    ``role`` says what the document is in the book (``SPEECH`` or ``PART``): its title
    becomes the speech's or part's heading, its sections the levels below."""

    def __init__(self, document: nodes.document, builder: object, *, role: str = SPEECH) -> None:
        super().__init__(document, builder)  # type: ignore[arg-type]
        self.role = role
        self.docname: str = builder.current_docname  # type: ignore[attr-defined]
        self.key = self.docname
        self.output = ""
        self.stack: list[list[str]] = [[]]
        self.section_depth = 0
        self.title_notes: list[list[str]] | None = None
        self.footnotes_done: set[str] = set()
        self.titled = False

    # -- the output stack: each block collects its children, then becomes one call ---------
    def add(self, text: str) -> None:
        self.stack[-1].append(text)

    def push(self) -> None:
        self.stack.append([])

    def pop(self) -> str:
        return "".join(self.stack.pop())

    def block(self, text: str) -> None:
        """A block (paragraph, heading, list, ...) in the flow: blank lines around it."""
        if text.strip():
            self.add(text.strip("\n") + "\n\n")

    def content(self, node: nodes.Node) -> str:
        """``node``'s children as markup, written through this translator."""
        self.push()
        for child in node.children:
            child.walkabout(self)
        return self.pop().strip("\n")

    # -- the document ------------------------------------------------------------------------
    def visit_document(self, node: nodes.document) -> None:
        self.add('#import "/book.typ": *\n')
        if self.role == PART:
            self.add(f"#show: part.with(key: {typst_string(self.key)})\n")

    def depart_document(self, node: nodes.document) -> None:
        body = self.pop()
        if not self.titled and self.role == SPEECH:
            # A hand-edited speech without its title line: it still starts a page of its
            # own, under the title of its front matter, and has a bookmark.
            title = self.builder.front_matter_title(self.docname)  # type: ignore[attr-defined]
            key = typst_string(self.key)
            head, _, rest = body.partition("\n")
            body = (
                f"{head}\n#show: speech.with(key: {key}, running: {typst_string(title)})\n"
                f"#speech-title(key: {key}, notes: [])[{text_call(title)}]\n\n{rest}"
            )
        self.output = body.rstrip("\n") + "\n"

    def visit_section(self, node: nodes.section) -> None:
        self.section_depth += 1

    def depart_section(self, node: nodes.section) -> None:
        self.section_depth -= 1

    def visit_title(self, node: nodes.title) -> None:
        if isinstance(node.parent, nodes.Admonition | nodes.table):
            raise nodes.SkipNode  # written by the parent
        if isinstance(node.parent, nodes.topic | nodes.sidebar):
            self.block(f"#strong[{self.content(node)}]")
            raise nodes.SkipNode
        notes: list[list[str]] = []
        self.title_notes = notes
        title = self.content(node)
        self.title_notes = None
        if self.section_depth <= 1:
            self.titled = True
        if self.section_depth <= 1 and self.role == PART:
            self.block(f"#part-title[{title}]")
        elif self.section_depth <= 1:
            running = typst_string(_plain_title(node))
            key = typst_string(self.key)
            footnotes = "".join("".join(n) for n in notes)
            self.add(f"#show: speech.with(key: {key}, running: {running})\n")
            self.block(f"#speech-title(key: {key}, notes: [{footnotes}])[{title}]")
        else:
            level = self.section_depth + (0 if self.role == PART else 1)
            footnotes = "".join("".join(n) for n in notes)
            self.block(f"#section-title(level: {level}, notes: [{footnotes}])[{title}]")
        raise nodes.SkipNode

    # -- paragraphs and inline text ----------------------------------------------------------
    def visit_paragraph(self, node: nodes.paragraph) -> None:
        self.block(self.content(node))
        raise nodes.SkipNode

    def visit_Text(self, node: nodes.Text) -> None:
        text = node.astext()
        if "\n" in text and node.parent is not None:
            siblings = node.parent.children
            at = siblings.index(node)
            before = siblings[at - 1].astext() if at else ""
            after = siblings[at + 1].astext() if at + 1 < len(siblings) else ""
            text = join_soft_breaks(text, before=before, after=after)
        self.add(text_call(text))

    def depart_Text(self, node: nodes.Text) -> None:
        pass

    def _wrap(self, node: nodes.Element, call: str) -> None:
        self.add(f"#{call}[{self.content(node)}]")
        raise nodes.SkipNode

    def visit_strong(self, node: nodes.strong) -> None:
        self._wrap(node, "strong")

    def visit_emphasis(self, node: nodes.emphasis) -> None:
        self._wrap(node, "emph")

    def visit_subscript(self, node: nodes.subscript) -> None:
        self._wrap(node, "sub")

    def visit_superscript(self, node: nodes.superscript) -> None:
        self._wrap(node, "super")

    def visit_literal(self, node: nodes.literal) -> None:
        self.add(f"#raw({typst_string(node.astext())})")
        raise nodes.SkipNode

    def visit_literal_block(self, node: nodes.literal_block) -> None:
        self.block(f"#raw(block: true, {typst_string(node.astext())})")
        raise nodes.SkipNode

    def visit_reference(self, node: nodes.reference) -> None:
        uri = node.get("refuri", "")
        if node.get("internal") or not re.match(r"(https?|mailto):", uri):
            return  # inside the book: its text (see the module docstring)
        self.add(f"#link({typst_string(uri)})[{self.content(node)}]")
        raise nodes.SkipNode

    def depart_reference(self, node: nodes.reference) -> None:
        pass

    # -- footnotes: the text at the mark, Typst puts it at the foot of the page ---------------
    def visit_footnote_reference(self, node: nodes.footnote_reference) -> None:
        refid = node.get("refid", "")
        footnote = self.document.ids.get(refid)
        label = typst_string(f"{self.key}#{refid}")
        if footnote is None:
            self.add(f"#super[{text_call(node.astext())}]")
        elif refid in self.footnotes_done:  # a second mark for the same note
            self.add(f"#footnote(label({label}))")
        else:
            self.footnotes_done.add(refid)
            mark = f"#footnote[{self.content(footnote)}]#label({label})"
            if self.title_notes is not None:
                self.title_notes.append([mark])
            else:
                self.add(mark)
        raise nodes.SkipNode

    def visit_footnote(self, node: nodes.footnote) -> None:
        raise nodes.SkipNode  # written at its mark

    def visit_label(self, node: nodes.label) -> None:
        raise nodes.SkipNode  # the footnote's number: Typst numbers them

    # -- the speech's header ---------------------------------------------------------------
    def visit_container(self, node: nodes.container) -> None:
        classes = node.get("classes", [])
        if "book-related" in classes:
            raise nodes.SkipNode
        if "book-meta" in classes:
            # Each row is a field (name, body) or a definition-list item (term "日期：",
            # definition): the name is printed without its colon, the table separates it.
            rows = node.findall(lambda n: isinstance(n, (nodes.field, nodes.definition_list_item)))
            fields = [
                f"([{text_call(f[0].astext().rstrip('：:'))}], [{self.content(f[1])}])"
                for f in rows
                if _printed_field(f)
            ]
            if fields:
                self.block(f"#speech-meta({', '.join(fields)})")
            raise nodes.SkipNode
        # A translation (``language-en``, translation.py) is set in its own language, so
        # Typst justifies and hyphenates it by that language's rules, not Chinese ones.
        tags = (c.removeprefix(LANGUAGE_CLASS) for c in classes if c.startswith(LANGUAGE_CLASS))
        call = next((foreign_call(tag) for tag in tags), None)
        if call is not None:
            self.block(f"#{call}[\n{self.content(node)}\n]")
            raise nodes.SkipNode

    def depart_container(self, node: nodes.container) -> None:
        pass

    def visit_field_list(self, node: nodes.field_list) -> None:
        rows = [f"([{self.content(f[0])}], [{self.content(f[1])}])" for f in node.children]
        self.block(f"#speech-meta({', '.join(rows)})")
        raise nodes.SkipNode

    def visit_admonition(self, node: nodes.Element) -> None:
        title = node.next_node(nodes.title)
        if title is not None and title.parent is node:
            heading = self.content(title)
        else:
            heading = text_call(admonitionlabels.get(node.tagname, ""))
        body = [c for c in node.children if not isinstance(c, nodes.title)]
        self.push()
        for child in body:
            child.walkabout(self)
        self.block(f"#notice(title: [{heading}])[{self.pop().strip()}]")
        raise nodes.SkipNode

    # -- lists, quotations, tables ---------------------------------------------------------
    def visit_bullet_list(self, node: nodes.bullet_list) -> None:
        if self.role == PART:
            raise nodes.SkipNode  # the part's speeches: the contents lists them
        self.block(f"#list({self._items(node)})")
        raise nodes.SkipNode

    def visit_enumerated_list(self, node: nodes.enumerated_list) -> None:
        start = node.get("start", 1)
        self.block(f"#enum(start: {int(start)}, {self._items(node)})")
        raise nodes.SkipNode

    def _items(self, node: nodes.Element) -> str:
        return ", ".join(f"[{self.content(item)}]" for item in node.children)

    def visit_definition_list(self, node: nodes.definition_list) -> None:
        items = []
        for item in node.findall(nodes.definition_list_item):
            term = item.next_node(nodes.term)
            definition = item.next_node(nodes.definition)
            items.append(
                f"terms.item[{self.content(term) if term else ''}]"
                f"[{self.content(definition) if definition else ''}]"
            )
        self.block(f"#terms({', '.join(items)})")
        raise nodes.SkipNode

    def visit_block_quote(self, node: nodes.block_quote) -> None:
        self.block(f"#quote(block: true)[{self.content(node)}]")
        raise nodes.SkipNode

    def visit_line_block(self, node: nodes.line_block) -> None:
        lines = [self.content(line) for line in node.findall(nodes.line)]
        self.block(" #linebreak() ".join(lines))
        raise nodes.SkipNode

    def visit_transition(self, node: nodes.transition) -> None:
        self.block("#align(center)[#sym.ast.op #h(2em) #sym.ast.op #h(2em) #sym.ast.op]")
        raise nodes.SkipNode

    def visit_rubric(self, node: nodes.rubric) -> None:
        self.block(f"#strong[{self.content(node)}]")
        raise nodes.SkipNode

    def visit_table(self, node: nodes.table) -> None:
        group = node.next_node(nodes.tgroup)
        if group is None:
            raise nodes.SkipNode
        cells = []
        for row in group.findall(nodes.row):
            for entry in row.children:
                cell = self.content(entry)
                span = int(entry.get("morecols", 0)) + 1
                rows = int(entry.get("morerows", 0)) + 1
                if span > 1 or rows > 1:
                    cells.append(f"table.cell(colspan: {span}, rowspan: {rows})[{cell}]")
                else:
                    cells.append(f"[{cell}]")
        columns = int(group.get("cols", 1))
        title = node.next_node(nodes.title)
        caption = f"#strong[{self.content(title)}]\n\n" if title and title.parent is node else ""
        self.block(
            f"{caption}#block(width: 100%)[#set par(first-line-indent: 0em, justify: false)\n"
            f"#table(columns: {columns}, stroke: 0.4pt, {', '.join(cells)})]"
        )
        raise nodes.SkipNode

    # -- what a printed book leaves out ----------------------------------------------------
    def _skip(self, node: nodes.Node) -> None:
        raise nodes.SkipNode

    visit_target = visit_index = visit_comment = visit_raw = visit_image = _skip
    visit_substitution_definition = visit_system_message = visit_toctree = _skip
    visit_meta = visit_docinfo = _skip  # docinfo: the front matter of an untitled page

    def visit_compound(self, node: nodes.compound) -> None:
        if "toctree-wrapper" in node.get("classes", []):
            raise nodes.SkipNode

    def depart_compound(self, node: nodes.compound) -> None:
        pass

    # Anything else (inline, Sphinx's and MyST's own nodes): its children, so that every
    # character of the body is printed even in markup this translator does not know.
    def unknown_visit(self, node: nodes.Node) -> None:
        pass

    def unknown_departure(self, node: nodes.Node) -> None:
        pass


for _name in ("attention", "caution", "danger", "error", "hint", "important", "note", "tip"):
    setattr(TypstTranslator, f"visit_{_name}", TypstTranslator.visit_admonition)
setattr(TypstTranslator, "visit_warning", TypstTranslator.visit_admonition)  # noqa: B010
setattr(TypstTranslator, "visit_seealso", TypstTranslator.visit_admonition)  # noqa: B010
setattr(TypstTranslator, "visit_versionmodified", TypstTranslator.unknown_visit)  # noqa: B010


def _plain_title(title: nodes.title) -> str:
    """The title's text without its footnote marks: the running head."""
    return "".join(join_soft_breaks(t.astext()) for t in _texts(title))


def _texts(node: nodes.Node) -> Iterator[nodes.Text]:
    for child in node.children:
        if isinstance(child, nodes.footnote_reference):
            continue
        if isinstance(child, nodes.Text):
            yield child
        else:
            yield from _texts(child)


def _printed_field(field: nodes.field | nodes.definition_list_item) -> bool:
    """Whether a field of the speech's header is printed: not the raw file's path, not the
    part (the running heads and the contents say it)."""
    body = field[1]
    if any(True for _ in body.findall(nodes.literal)):
        return False
    for ref in body.findall(nodes.reference):
        if "#part-" in ref.get("refuri", "") or ref.get("refid", "").startswith("part-"):
            return False
    return not any(
        x.get("reftarget", "").startswith("part-") for x in body.findall(addnodes.pending_xref)
    )
