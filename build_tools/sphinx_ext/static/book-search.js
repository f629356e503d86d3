/* The book's search page: the query of ?q=, in either script, searched in this edition's
 * Pagefind bundle; results ranked, shown with title, speaker, date and snippet; filters.
 *
 * The index holds every Han character as a word of its own (search_pagefind.py), so the query
 * is spaced alike: any sequence of characters is found. Each query runs as Pagefind's quoted
 * phrase (found as written) and as loose words (its characters anywhere); the page lists
 * phrase matches first, then speeches before the book's list pages, each group by
 * Pagefind's score. A query in the other script is folded character by character
 * (data.fold, from OpenCC) and searched beside the query as typed.
 */
"use strict";

(() => {
  const root = document.getElementById("book-search");
  if (!root) return;
  const data = JSON.parse(document.getElementById("book-search-data").textContent);
  const strings = data.strings;
  const form = root.querySelector(".book-search-form");
  const input = form.elements.q;
  const status = root.querySelector(".book-search-status[role=status]");
  const list = root.querySelector(".book-search-results");
  const more = root.querySelector(".book-search-more");
  const filterBox = root.querySelector(".book-search-filters");
  const selects = Array.from(filterBox.querySelectorAll("select"));
  const PAGE = 10;
  const HAN = /\p{Script=Han}/u;

  const fold = (() => {
    const chars = Array.from(data.fold);
    const table = new Map();
    for (let i = 0; i + 1 < chars.length; i += 2) table.set(chars[i], chars[i + 1]);
    return (text) => Array.from(text, (c) => table.get(c) ?? c).join("");
  })();

  /* Every Han character a word, as in the index. Quotes are Pagefind's phrase syntax. */
  const spaced = (text) =>
    Array.from(text.replace(/["“”]/g, " "), (c) => (HAN.test(c) ? ` ${c} ` : c))
      .join("")
      .replace(/\s+/g, " ")
      .trim();

  /* Pagefind's snippet has the spaces the index was given: take them out again, around Han
   * characters (a <mark> may stand between), and join neighbouring marks. Where a block
   * without a full stop ends (a title, a heading), Pagefind adds ". ": after Chinese text
   * that is an ideographic space (nothing at the snippet's end). */
  const tidy = (excerpt) =>
    excerpt
      .replace(/\u200b/g, "")
      .replace(/(\p{Script=Han}) ?((?:<\/mark>)?)\.((?:<\/mark>)?)( |$)/gu, (...m) =>
        m[1] + m[2] + m[3] + (m[4] ? "\u3000" : ""),
      )
      .replace(/(\S)((?:<\/?mark>)*) ((?:<\/?mark>)*)(?=\p{Script=Han})/gu, "$1$2$3")
      .replace(/(\p{Script=Han})((?:<\/?mark>)*) ((?:<\/?mark>)*)(?=\S)/gu, "$1$2$3")
      .replace(/<\/mark><mark>/g, "");

  const say = (text) => {
    status.textContent = text;
  };

  const params = new URLSearchParams(location.search);
  const query = (params.get("q") || "").trim();
  input.value = query;
  for (const select of selects) select.dataset.wanted = params.get(select.name) || "";

  if (location.protocol === "file:") {
    say(strings.file);
    root.classList.add("book-search-offline");
    return;
  }

  /* Pagefind, with the main bundle's other shards and the delta of the pages changed since
   * it was made merged in, and the pages that the delta replaces (``stale``) left out
   * (search_bundle.py). */
  let pagefind = null;
  let stale = new Set();
  const load = async () => {
    if (!pagefind) {
      const pf = await import(new URL(data.bundle, document.baseURI).href);
      const baseUrl = new URL(".", document.baseURI).pathname;
      await pf.options({ excerptLength: 36, baseUrl });
      const stateUrl = new URL(data.state, document.baseURI);
      const state = await (await fetch(stateUrl)).json();
      for (const shard of state.shards || []) {
        await pf.mergeIndex(new URL(shard, stateUrl).pathname, { baseUrl });
      }
      if (state.delta) await pf.mergeIndex(new URL(state.delta, stateUrl).pathname, { baseUrl });
      stale = new Set(state.stale);
      pagefind = pf;
    }
    return pagefind;
  };

  const chosen = () => {
    const filters = {};
    for (const select of selects) if (select.value) filters[select.name] = select.value;
    return filters;
  };

  async function showFilters(pf) {
    const all = await pf.filters();
    for (const select of selects) {
      const values = Object.keys(all[select.name] || {}).sort((a, b) =>
        select.name === "year" ? b.localeCompare(a) : a.localeCompare(b, "zh"),
      );
      for (const value of values) select.add(new Option(value, value));
      if (values.includes(select.dataset.wanted)) select.value = select.dataset.wanted;
    }
    filterBox.hidden = false;
  }

  /* Pagefind leaves out of a query the words its index does not have (創先爭優 in the
   * Simplified index would find every page with 先): a form of the query with such a word
   * is not searched at all. */
  async function everyWordIndexed(pf, words) {
    const found = await Promise.all(words.split(" ").map((word) => pf.search(word)));
    return found.every((result) => result.results.length > 0);
  }

  /* Every result, best first (see the notes at the top). */
  async function rank(pf, text, filters) {
    const forms = [...new Set([fold(text), text])];
    const loose = new Map();
    const exact = new Set();
    const speech = new Set();
    const current = (results) => results.filter((r) => !stale.has(r.id));
    const keep = (results, into) => {
      for (const r of current(results)) into.add(r.id);
    };
    for (const form of forms) {
      const words = spaced(form);
      if (!words || !(await everyWordIndexed(pf, words))) continue;
      const speechOnly = { ...filters, kind: "speech" };
      const [all, phrase, speeches] = await Promise.all([
        pf.search(words, { filters }),
        words.includes(" ") ? pf.search(`"${words}"`, { filters }) : null,
        pf.search(words, { filters: speechOnly }),
      ]);
      for (const r of current(all.results)) {
        if (!loose.has(r.id) || loose.get(r.id).score < r.score) loose.set(r.id, r);
      }
      keep((phrase || all).results, exact);
      keep(speeches.results, speech);
    }
    const group = (r) => (exact.has(r.id) ? 0 : 2) + (speech.has(r.id) ? 0 : 1);
    const ordered = [...loose.values()];
    for (const r of ordered) r.bookMatch = exact.has(r.id) ? "exact" : "scattered";
    return ordered.sort((a, b) => group(a) - group(b) || (b.score || 0) - (a.score || 0));
  }

  function item([found, result]) {
    const li = document.createElement("li");
    li.className = "book-search-result";
    if (found.bookMatch) li.dataset.match = found.bookMatch;
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    link.className = "book-search-title";
    li.append(link);
    const facts = [result.meta.speaker, result.meta.date].filter(Boolean);
    if (facts.length) {
      const p = document.createElement("p");
      p.className = "book-search-facts";
      p.textContent = facts.join(" · ");
      li.append(p);
    }
    const snippet = document.createElement("p");
    snippet.className = "book-search-excerpt";
    snippet.innerHTML = tidy(result.excerpt || ""); // Pagefind escapes the text; adds <mark>
    li.append(snippet);
    return li;
  }

  let ordered = [];
  let shown = 0;
  async function showMore() {
    const next = ordered.slice(shown, shown + PAGE);
    shown += next.length;
    const items = await Promise.all(next.map((r) => r.data()));
    list.append(...items.map((result, i) => item([next[i], result])));
    more.hidden = shown >= ordered.length;
  }

  /* A search needs words: Pagefind would fetch its whole index to list pages by filters
   * alone (the book's own lists do that: by year, by speaker, by category). */
  let filtersShown = null;
  let latest = 0; // a search started later (another filter chosen) makes this one moot
  async function search() {
    const mine = ++latest;
    const text = input.value.trim();
    list.replaceChildren();
    more.hidden = true;
    delete root.dataset.count;
    if (!text) {
      say("");
      return;
    }
    say(strings.searching);
    const pf = await load();
    filtersShown ??= showFilters(pf); // with the first search, from the URL's choices
    await filtersShown;
    const found = await rank(pf, text, chosen());
    if (mine !== latest) return;
    ordered = found;
    shown = 0;
    say(ordered.length ? strings.found.replace("{n}", ordered.length) : strings.none.replace("{q}", text));
    await showMore();
    if (mine === latest) root.dataset.count = String(ordered.length);
  }

  const remember = () => {
    const url = new URL(location.href);
    url.searchParams.set("q", input.value.trim());
    for (const select of selects) {
      if (select.value) url.searchParams.set(select.name, select.value);
      else url.searchParams.delete(select.name);
    }
    history.replaceState(null, "", url);
  };

  const failed = (error) => {
    say(strings.failed);
    root.dataset.error = String(error);
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    remember();
    search().catch(failed);
  });
  for (const select of selects) {
    select.addEventListener("change", () => {
      remember();
      search().catch(failed);
    });
  }
  more.addEventListener("click", () => showMore().catch(failed));

  if (query) search().catch(failed);
  else input.focus();
})();
