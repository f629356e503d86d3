"""Chinese full-text search whose index and in-browser query agree, in every edition.

Sphinx 9's ``zh`` search language names a snowball stemmer ``ChineseStemmer`` in
language_data.js while shipping only ``EnglishStemmer`` (``ReferenceError``: search finds
nothing), and indexes jieba words while searchtools.js sends a Chinese query as one
unsplit term: 创先争优 only matches if jieba happened to cut exactly that word, which it
never does for Traditional text (its dictionary is Simplified).

Here both sides cut runs of Han characters into overlapping character bigrams (创先 先争
争优); a query matches pages that contain all of its bigrams, whatever the script. Latin
words are indexed and queried lower-cased and unstemmed, so Python and JS need no stemmer.
jieba's words are not indexed: a query never produces them, and cutting costs about as much
as parsing the page.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.search import SearchLanguage
from sphinx.search._stopwords.en import ENGLISH_STOPWORDS

#: Han characters, as JavaScript's ``\\p{Script=Han}`` sees them (the common blocks).
HAN = (
    "\u2e80-\u2fd5\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003134f"
)
HAN_RUN = re.compile(f"[{HAN}]+")
#: Everything else that JavaScript's default splitter keeps together (letters, digits, _).
OTHER_WORD = re.compile(f"[^\\W{HAN}]+")

#: The query side; the same cuts as ``SearchChineseBigrams.split``.
JS_SPLITTER = r"""
/* Chinese: runs of Han characters become overlapping bigrams, as in the index. */
var splitQuery = (query) => {
  const terms = [];
  query
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter((word) => word)
    .forEach((word) => {
      for (const match of word.matchAll(/(\p{Script=Han}+)|([^\p{Script=Han}]+)/gu)) {
        if (match[2]) {
          terms.push(match[2]);
          continue;
        }
        const chars = Array.from(match[1]);
        if (chars.length === 1) terms.push(chars[0]);
        for (let i = 0; i + 1 < chars.length; i++) terms.push(chars[i] + chars[i + 1]);
      }
    });
  return terms;
};
"""

#: No stemming on either side (a snowball stemmer for Chinese does not exist).
JS_STEMMER = """
var Stemmer = function () {
  this.stemWord = function (word) {
    return word;
  };
};
"""


def bigrams(text: str) -> list[str]:
    """The index terms of a text.

    >>> bigrams("开展创先争优活动 (HTML) 好")
    ['开展', '展创', '创先', '先争', '争优', '优活', '活动', 'HTML']
    """
    terms = []
    for run in HAN_RUN.findall(text):
        terms += [run[i : i + 2] for i in range(len(run) - 1)]
    terms += OTHER_WORD.findall(text)
    return terms


class SearchChineseBigrams(SearchLanguage):
    """The ``zh`` search language of the book (replaces Sphinx's ``SearchChinese``, see the
    module notes). Not a subclass of it: importing ``sphinx.search.zh`` imports jieba (and
    with it pkg_resources), 0.1 s of every build, for nothing this language uses."""

    lang = "zh"
    language_name = "Chinese"
    stopwords = ENGLISH_STOPWORDS  #: what Sphinx's Chinese search leaves out, kept
    js_stemmer_rawcode = ""
    js_stemmer_code = JS_STEMMER
    js_splitter_code = JS_SPLITTER

    def split(self, input: str) -> list[str]:
        # Each distinct term once: Sphinx stems and files every word it is given.
        return list(dict.fromkeys(bigrams(input)))

    def stem(self, word: str) -> str:
        return word.lower()

    def word_filter(self, stemmed_word: str) -> bool:
        return len(stemmed_word) > 1 and not stemmed_word.isdigit()


def setup(app: Sphinx) -> None:
    app.add_search_language(SearchChineseBigrams)
