"""The HTML chrome of the book: sidebar nav, breadcrumb, reading order, edition switch, downloads.

The theme's own sidebar renders the whole table of contents into every page, which makes
writing one page cost O(collection). ``book-nav.html`` shows the parts and the current
part's speeches only (a window around the current one in a large part), from a model built
once per build, so one page's cost stays flat. Pages whose nav would change (a title, a
speech added to their part) are rewritten through ``env-get-updated``.

Template context (``html-page-context``):
  (``book_t``, the chrome's words in the edition's spelling, comes from ``edition``)
  ``book_nav``       {"parts": [...], "indexes": [...]} (see ``_page_nav``)
  ``book_crumbs``    [{"title", "href"}]: the book, the part, (the page itself, no href)
  ``prev``/``next``  on a speech page, the neighbouring speeches in the book's order
                     (``book_reading`` is then "speech": the footer says 上一篇/下一篇)
  ``book_editions``  [{"name", "label", "href", "current"}]: the same page in each edition
  ``book_downloads`` [{"text", "href"}]: this edition's EPUB, and the part's on part pages
                     and speech pages
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment

from build_tools.sphinx_ext import book_state, edition
from build_tools.sphinx_ext.collection import COLLECTION_FOLDER, digest
from build_tools.sphinx_ext.collection_pages import INDEX_PAGES
from build_tools.sphinx_ext.landing import SITE_BUILDERS, editions, epub_href

#: A part with more speeches than this shows only a window around the current one.
NAV_PART_LIMIT = 60
NAV_WINDOW = 12


@dataclass(frozen=True)
class _Model:
    parts: tuple[tuple[str, str, str], ...]  #: (part docname, title, key)
    members: dict[str, tuple[tuple[str, str], ...]]  #: part docname → (docname, title)
    part_of: dict[str, str]  #: speech or part docname → part docname
    indexes: tuple[tuple[str, str], ...]  #: (docname, title) of the index pages
    t: Callable[[str], str]  #: Simplified chrome text → the edition's spelling
    order: tuple[str, ...] = ()  #: the speeches in the book's reading order
    #: The books the pdf builder typesets (``Collection.fits``): "" for the whole book, and
    #: part docnames.
    printed: frozenset[str] = frozenset()

    @property
    def titles(self) -> dict[str, str]:
        """Speech docname → title (worked out once: every page asks)."""
        cached: dict[str, str] | None = self.__dict__.get("_titles")
        if cached is None:
            cached = {d: t for members in self.members.values() for d, t in members}
            object.__setattr__(self, "_titles", cached)
        return cached

    def neighbours(self, docname: str) -> tuple[str | None, str | None]:
        """The speeches before and after ``docname`` in reading order (None at either end)."""
        at = self.position.get(docname)
        if at is None:
            return None, None
        before = self.order[at - 1] if at > 0 else None
        after = self.order[at + 1] if at + 1 < len(self.order) else None
        return before, after

    @property
    def position(self) -> dict[str, int]:
        cached: dict[str, int] | None = self.__dict__.get("_position")
        if cached is None:
            cached = {d: i for i, d in enumerate(self.order)}
            object.__setattr__(self, "_position", cached)
        return cached


def _title(env: BuildEnvironment, docname: str) -> str:
    node = env.titles.get(docname)
    return node.astext() if node is not None else docname


def _build_model(app: Sphinx) -> _Model | None:
    collection = book_state.collection(app.env)
    if collection is None:
        return None
    env = app.env
    parts = tuple((p.docname, _title(env, p.docname), p.key) for p in collection.parts)
    members = {p.docname: tuple((d, _title(env, d)) for d in p.docnames) for p in collection.parts}
    part_of = {d: p.docname for p in collection.parts for d in (p.docname, *p.docnames)}
    indexes = tuple(
        (f"{COLLECTION_FOLDER}/{n}", _title(env, f"{COLLECTION_FOLDER}/{n}")) for n in INDEX_PAGES
    )
    t = edition.chrome_text(app)
    order = tuple(d for p in collection.parts for d in p.docnames)
    limit = app.config.book_pdf_max_characters
    printed = frozenset(
        [*([""] if collection.fits(limit) else []),
         *(p.docname for p in collection.parts if collection.fits(limit, p))]
    )  # fmt: skip
    return _Model(parts, members, part_of, indexes, t, order, printed)


def _write_started(app: Sphinx, builder: Builder) -> None:
    builder._book_nav = _build_model(app)  # type: ignore[attr-defined]


def _page_nav(model: _Model, pagename: str) -> dict[str, Any]:
    """The nav of one page: every part, and the current part's speeches (or a window)."""
    current_part = model.part_of.get(pagename)
    parts = []
    for docname, title, _key in model.parts:
        children: list[dict[str, Any]] = []
        more = False
        if docname == current_part:
            members = model.members[docname]
            if len(members) > NAV_PART_LIMIT:
                at = next((i for i, (d, _) in enumerate(members) if d == pagename), 0)
                start = max(0, min(at - NAV_WINDOW, len(members) - 2 * NAV_WINDOW - 1))
                members = members[start : start + 2 * NAV_WINDOW + 1]
                more = True
            children = [{"docname": d, "title": t, "current": d == pagename} for d, t in members]
        parts.append(
            {
                "docname": docname,
                "title": title,
                "current": docname == pagename,
                "open": docname == current_part,
                "children": children,
                "more": more,
            }
        )
    indexes = [{"docname": d, "title": t, "current": d == pagename} for d, t in model.indexes]
    return {"parts": parts, "indexes": indexes}


_SPHINX_PAGES = {"genindex": "索引", "search": "搜索"}


def _crumbs(
    model: _Model, app: Sphinx, pagename: str, context: dict[str, Any]
) -> list[dict[str, str | None]]:
    """演讲集 › 1923年 › 娜拉走后怎样: the book, the part (on its speeches), the page."""
    if pagename == app.config.root_doc:
        return []
    uri = app.builder.get_relative_uri
    root = app.config.root_doc
    crumbs: list[dict[str, str | None]] = [
        {"title": _title(app.env, root), "href": uri(pagename, root)}
    ]
    part = model.part_of.get(pagename)
    if part is not None and part != pagename:
        crumbs.append({"title": _title(app.env, part), "href": uri(pagename, part)})
    # Sphinx's own pages (index, search) have no title in the environment; their templates
    # set it themselves.
    title = _title(app.env, pagename) if pagename in app.env.titles else context.get("title")
    title = title or model.t(_SPHINX_PAGES.get(pagename, ""))
    crumbs.append({"title": str(title), "href": None})
    return crumbs


def _reading_order(model: _Model, app: Sphinx, pagename: str, context: dict[str, Any]) -> None:
    """On a speech page, 上一篇/下一篇 are the neighbouring speeches, not Sphinx's
    toctree neighbours (which would be the part pages around a one-speech part)."""
    if pagename not in model.position:
        return
    context["book_reading"] = "speech"
    titles = model.titles
    for key, docname in zip(("prev", "next"), model.neighbours(pagename), strict=True):
        if docname is None:
            context[key] = None
        else:
            link = app.builder.get_relative_uri(pagename, docname)
            context[key] = {"link": link, "title": escape(titles[docname])}


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    # sphinxext-opengraph writes its tags for the EPUB's pages too.
    _escape_for_opengraph(app, pagename, context)
    model: _Model | None = getattr(app.builder, "_book_nav", None)
    if model is None or app.builder.name not in SITE_BUILDERS:
        return
    context["book_nav"] = _page_nav(model, pagename)
    context["book_crumbs"] = _crumbs(model, app, pagename, context)
    _reading_order(model, app, pagename, context)
    variant = edition.variant_of(app.config)
    target = app.builder.get_target_uri(pagename)
    up = "../" * pagename.count("/")
    context["book_editions"] = [
        {
            "name": other.name,
            "label": other.label,
            "href": f"{up}../{other.name}/{target}",
            "current": other.name == variant.name,
        }
        for other in editions(app.config)
    ]
    books = [("", model.t("全书"), epub_href(app.config, pagename, variant.name))]
    part = model.part_of.get(pagename)
    if part is not None:
        key = part.rpartition("/")[2]
        books.append((part, model.t("本部分"), epub_href(app.config, pagename, variant.name, key)))
    # Each as EPUB, then as PDF where the pdf builder typesets it, under the same name.
    context["book_downloads"] = [
        *({"text": f"{text}（EPUB）", "href": href} for _, text, href in books),
        *(
            {"text": f"{text}（PDF）", "href": href.removesuffix(".epub") + ".pdf"}
            for book, text, href in books
            if book in model.printed
        ),
    ]
    context["metatags"] = context.get("metatags", "") + _head_tags(app, target, context)


def _head_tags(app: Sphinx, target: str, context: dict[str, Any]) -> str:
    """The page's description, and its address in the other editions for search engines."""
    tags = []
    description = (context.get("meta") or {}).get("og:description")
    if description:  # already escaped for sphinxext-opengraph
        tags.append(f'<meta name="description" content="{description}" />')
    site = app.config.book_site_url.rstrip("/")
    if site:
        for other in editions(app.config):
            href = escape(f"{site}/{other.name}/{target}")
            tags.append(f'<link rel="alternate" hreflang="{other.name}" href="{href}" />')
    return "\n" + "\n".join(tags) + "\n" if tags else ""


def _escape_for_opengraph(app: Sphinx, pagename: str, context: dict[str, Any]) -> None:
    """sphinxext-opengraph writes ``og:`` values into attributes unescaped, and takes the
    page title unescaped; speech titles are untrusted, so hand it escaped values."""
    meta = dict(context.get("meta") or {})
    title = app.env.titles.get(pagename)
    if title is not None:
        meta["og:title"] = escape(title.astext())
    if "og:description" in meta:
        meta["og:description"] = escape(meta["og:description"])
    context["meta"] = meta


def _escape_theme_titles(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """sphinx-book-theme puts the raw title text in ``pagetitle`` (printed unescaped in the
    print-only header) and ``root_title``: escape them after it has set them."""
    for key in ("pagetitle", "root_title"):
        if isinstance(context.get(key), str):
            context[key] = escape(context[key])


def _nav_signatures(model: _Model) -> dict[str, str]:
    """Per part, what its pages show of the book: its speeches, and the speeches just
    before and after it (the first and last speech link to them)."""
    result = {"": digest((model.parts, sorted(model.printed)))}
    titles = model.titles
    for part, members in model.members.items():
        ends: list[str | None] = []
        if members:
            ends = [model.neighbours(members[0][0])[0], model.neighbours(members[-1][0])[1]]
        result[part] = digest((members, [(d, titles.get(d or "")) for d in ends]))
    return result


def _env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to rewrite (not re-read) because their sidebar nav changed."""
    if app.builder.name not in SITE_BUILDERS:
        return []
    model = _build_model(app)
    if model is None:
        return []
    new = _nav_signatures(model)
    store: dict[str, dict[str, str]] = getattr(env, "book_nav_signatures", {})
    old = store.get(app.builder.name)
    store[app.builder.name] = new
    env.book_nav_signatures = store  # type: ignore[attr-defined]
    if old is None:
        return []  # first build: everything is written anyway
    if old.get("") != new[""]:
        return sorted(env.found_docs)
    changed = [part for part, sig in new.items() if part and old.get(part) != sig]
    return sorted({d for part in changed for d in (part, *(m for m, _ in model.members[part]))})


def setup(app: Sphinx) -> None:
    app.connect("write-started", _write_started)
    # Before sphinxext-opengraph (500), which then keeps our meta description.
    app.connect("html-page-context", _page_context, priority=400)
    app.connect("html-page-context", _escape_theme_titles, priority=900)
    app.connect("env-get-updated", _env_get_updated)
