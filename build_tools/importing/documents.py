"""Word (.docx) files and saved web pages (.html) → the plain text of the speech and its title."""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

from build_tools.errors import InputError

BROKEN_DOCX = "not a readable .docx ({problem}); open it in a word processor and save it again"
NO_HTML_TEXT = "the page has no text outside scripts, menus and footers"

# <meta charset="gbk"> or <meta http-equiv="Content-Type" content="text/html; charset=gb2312">,
# looked for in the first bytes only, as browsers do.
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# A <title> commonly appends the site name after a separator: keep the part before it.
TITLE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|\s-\s|\s—\s|——)\s*")
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


def read_docx(data: bytes) -> tuple[str, str | None]:
    """The paragraphs of a .docx, one a line, and the text of a paragraph styled *Title*."""
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
    lines = []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        text = paragraph.text
        if title is None and style.lower() == "title" and text.strip():
            title = text.strip()
            continue
        lines.append(text)
    return "\n".join(lines), title


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


def read_html(text: str) -> tuple[str, str | None]:
    """The main text of a page, one block a line, and its title (the first ``<h1>``, else the
    ``<title>`` without the site name)."""
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    parser.flush()
    main = [line for line, in_main in parser.lines if in_main]
    chosen = main if sum(len(line) for line in main) >= 100 else [line for line, _ in parser.lines]
    if not chosen:
        raise InputError(NO_HTML_TEXT)
    title = parser.h1
    if not title and parser.title:
        title = TITLE_SEPARATOR.split(parser.title)[0].strip() or None
    return "\n".join(chosen), title
