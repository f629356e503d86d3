"""Word (.docx) files and saved web pages (.html) → the plain text of the speech and its title."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

from build_tools import han
from build_tools.errors import InputError

BROKEN_DOCX = "not a readable .docx ({problem}); open it in a word processor and save it again"
NO_HTML_TEXT = "the page has no text outside scripts, menus and footers"

# <meta charset="gbk"> or <meta http-equiv="Content-Type" content="text/html; charset=gb2312">,
# looked for in the first bytes only, as browsers do.
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# A <title> commonly appends the site name after a separator: keep the part before it.
TITLE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|\s-\s|\s—\s|——)\s*")
# A footnote mark a page's heading carries: 统计公报[1].
NOTE_MARK = re.compile(r"\s*(?:\[\d{1,2}\]|［\d{1,2}］|〔\d{1,2}〕)$")
# Elements that hold the article on most sites: <article>, <main>, or id/class naming it.
MAIN_HINT = re.compile(
    r"(?:^|[\s_-])(?:article|content|main|text|detail|zoom|trs_editor|post|entry)", re.I
)

SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "svg", "canvas", "nav", "aside", "footer"}
    | {"form", "button", "select", "iframe", "object", "head"}
)
BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre"}
    | {"section", "article", "main", "header", "tr", "td", "th", "table", "blockquote"}
    | {"dd", "dt", "dl", "figcaption", "figure", "address", "center"}
)
VOID = frozenset(
    {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source"}
    | {"track", "wbr"}
)


@dataclass(frozen=True)
class DocxText:
    text: str  #: the paragraphs, one a line
    title: str | None  #: a paragraph styled *Title*
    marked: tuple[tuple[int, str], ...]  #: (rank, text) of paragraphs Word marks as headings


#: A paragraph at most this long may be a heading marked only by bold or centring.
EMPHASIS_HEADING_MAX = 40
#: …when the paragraph after it is at least this long (a heading introduces a body)…
BODY_MIN = 40
#: …and a paragraph this long came before it (above it stand title, dateline and speaker).
SEEN_BODY = 60
# Sentence-final punctuation: a heading has none.
SENTENCE_END = re.compile(r"[。！？；!?;…]|[：:，,、]$")
# "Heading 2", "标题 2", "heading2": the level Word's built-in heading styles give.
HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _outline_level(element: object) -> int | None:
    """``<w:outlineLvl w:val="0">`` of a paragraph's or style's properties → 1-based level."""
    found = element.find(f"{W_NS}pPr/{W_NS}outlineLvl")  # type: ignore[attr-defined]
    if found is None:
        return None
    value = found.get(f"{W_NS}val")
    return int(value) + 1 if value and value.isdigit() and int(value) < 9 else None


def _style_chain(style: object) -> list[object]:
    chain = []
    while style is not None and len(chain) < 10:
        chain.append(style)
        style = getattr(style, "base_style", None)
    return chain


def _heading_rank(paragraph: object) -> int | None:
    """The level Word gives a paragraph: a heading style, or an outline level set on the
    paragraph or its style."""
    styles = _style_chain(paragraph.style)  # type: ignore[attr-defined]
    for style in styles:
        if match := HEADING_STYLE.match(style.name or ""):
            return int(match[1])
    if (level := _outline_level(paragraph._element)) is not None:  # type: ignore[attr-defined]
        return level
    for style in styles:
        if (level := _outline_level(style.element)) is not None:
            return level
    return None


def _emphasised(paragraph: object) -> bool:
    """Every run of text bold (directly or by style), or the paragraph centred."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    styles = _style_chain(paragraph.style)  # type: ignore[attr-defined]
    alignment = paragraph.alignment  # type: ignore[attr-defined]
    for style in styles:
        if alignment is not None:
            break
        alignment = style.paragraph_format.alignment
    if alignment == WD_ALIGN_PARAGRAPH.CENTER:
        return True
    style_bold = next((s.font.bold for s in styles if s.font.bold is not None), False)
    runs = [run for run in paragraph.runs if run.text.strip()]  # type: ignore[attr-defined]
    return bool(runs) and all(
        run.bold
        or (run.bold is None and (run.style is not None and run.style.font.bold))
        or (run.bold is None and style_bold)
        for run in runs
    )


def read_docx(data: bytes) -> DocxText:
    """The paragraphs of a .docx, one a line, the text of a paragraph styled *Title*, and the
    paragraphs Word marks as headings: by style or outline level (rank = that level), or by
    bold or centring alone (rank 0) when short, no sentence, and followed by a long paragraph
    after a long paragraph has come (the title block above the speech is not its outline)."""
    try:
        import docx  # python-docx; imported here so plain-text imports never load lxml

        document = docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise InputError(
            BROKEN_DOCX.format(problem=f"the ZIP container is damaged: {error}")
        ) from None
    except (KeyError, ValueError) as error:
        raise InputError(BROKEN_DOCX.format(problem=f"a part is missing: {error}")) from None
    except Exception as error:  # lxml raises its own XMLSyntaxError for a corrupt part
        raise InputError(BROKEN_DOCX.format(problem=f"{type(error).__name__}: {error}")) from None
    title = None
    lines: list[str] = []
    ranks: list[int | None] = []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        text = paragraph.text
        if title is None and style.lower() in ("title", "标题") and text.strip():
            title = text.strip()
            continue
        lines.append(text)
        stripped = text.strip()
        rank = None
        if stripped and len(stripped) <= 2 * EMPHASIS_HEADING_MAX:
            rank = _heading_rank(paragraph)
            if rank is None and len(stripped) <= EMPHASIS_HEADING_MAX and _emphasised(paragraph):
                rank = 0
        ranks.append(rank)
    marked = []
    seen_body = False
    for index, (line, rank) in enumerate(zip(lines, ranks, strict=True)):
        stripped = line.strip()
        after = next((n.strip() for n in lines[index + 1 :] if n.strip()), "")
        heading_like = rank is not None and not SENTENCE_END.search(stripped)
        if heading_like and (rank or (seen_body and len(after) >= BODY_MIN)):
            marked.append((rank or 0, stripped))
        if len(stripped) >= SEEN_BODY:
            seen_body = True
    return DocxText("\n".join(lines), title, tuple(marked))


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KiB, if any."""
    match = META_CHARSET.search(data[:4096])
    return match[1].decode("ascii").lower() if match else None


class _TextExtractor(HTMLParser):
    """Collects text, one line per block element, noting which lines lie in the main part."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[str, bool]] = []
        self.current: list[str] = []
        self.stack: list[tuple[str, bool, bool]] = []  #: (tag, skipped, main)
        self.title: str | None = None
        self.h1: str | None = None
        self._in_title = False
        self._h1_parts: list[str] | None = None

    @property
    def skipping(self) -> bool:
        return any(skipped for _, skipped, _ in self.stack)

    @property
    def in_main(self) -> bool:
        return any(main for _, _, main in self.stack)

    def flush(self) -> None:
        text = "".join(self.current).strip()
        if text:
            self.lines.append((text, self.in_main))
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in BLOCKS:
            self.flush()
        if tag == "h1" and self.h1 is None and not self.skipping:
            self._h1_parts = []
        if tag in VOID:
            return
        hint = " ".join(v or "" for k, v in attrs if k in ("id", "class"))
        main = tag in ("article", "main") or bool(MAIN_HINT.search(hint))
        self.stack.append((tag, tag in SKIPPED, main))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag == "h1" and self._h1_parts is not None:
            self.h1 = "".join(self._h1_parts).strip() or None
            self._h1_parts = None
        if tag in BLOCKS:
            self.flush()
        for index in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed inner tags
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = ((self.title or "") + data).strip()
            return
        if self.skipping:
            return
        if self._h1_parts is not None:
            self._h1_parts.append(data)
        self.current.append(re.sub(r"[ \t\r\n]+", " ", data))


@dataclass(frozen=True)
class Page:
    text: str  #: the main text, one block a line
    title: str | None  #: the page's title (the first <h1>, else <title> less the site name)
    date: str | None  #: the date the page gives for itself: when it was published


#: trafilatura's text is used unless our own reading of the main part holds this much more
#: Chinese text (trafilatura judged a part of the speech to be boilerplate).
RECALL_MARGIN = 1.15


def _own_reading(text: str) -> tuple[str, str | None]:
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    parser.flush()
    main = [line for line, in_main in parser.lines if in_main]
    chosen = main if sum(len(line) for line in main) >= 100 else [line for line, _ in parser.lines]
    title = parser.h1
    if not title and parser.title:
        title = TITLE_SEPARATOR.split(parser.title)[0].strip() or None
    return "\n".join(chosen), title


def read_html(text: str) -> Page:
    """The main text, title and date of a saved web page, by trafilatura (built for this:
    it knows portals' menus, footers and Word's exported markup); our own block reading of the
    page's main element stands in when trafilatura finds nothing or drops much of the text."""
    own, own_title = _own_reading(text)
    extracted = None
    try:
        import trafilatura

        extracted = trafilatura.bare_extraction(
            text, with_metadata=True, favor_recall=True, include_tables=True,
            include_comments=False, deduplicate=False,
        )  # fmt: skip
    except Exception:  # trafilatura on a page it cannot parse: our reading still serves
        extracted = None
    body = getattr(extracted, "text", None) or ""
    title = getattr(extracted, "title", None) or None
    date = getattr(extracted, "date", None) or None
    if not body.strip() or han.count(own) > RECALL_MARGIN * han.count(body):
        body = own
    if not body.strip():
        raise InputError(NO_HTML_TEXT)
    title = own_title if own_title and (not title or title.startswith("<")) else title
    if title:
        title = NOTE_MARK.sub("", TITLE_SEPARATOR.split(title)[0]).strip() or None
    return Page(body, title, date)
