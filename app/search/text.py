"""Words as the search engines see them, queries as people write them, and snippets. Pure: no
DB, no HTTP.

PostgreSQL stems with its own configuration (unaccent, then the Snowball Spanish stemmer: see
the migration); SQLite's FTS5 has no Spanish stemmer, so the text it indexes and the queries it
runs are stemmed here with the same Snowball algorithm, after the same accent folding. The
snippets of both engines are cut and highlighted here, from the stems of the query.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from markupsafe import Markup, escape

from app.core.text import clean

# A word: letters and digits (any script), as unicode61 and PostgreSQL's parser split them.
_WORD = re.compile(r"\w+")
# Words that carry no meaning alone; PostgreSQL's spanish_stem drops them from plain queries,
# and so does the query side here (documents keep them, so phrases still match in place).
_STOPWORDS_TEXT = (
    "a al como con de del el en entre es la las lo los o para por que se sin su sus un una y"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split(" "))
MAX_QUERY_LENGTH = 200
MAX_PARTS = 10  # words and phrases in one query
_stemmer = snowballstemmer.stemmer("spanish")


def fold(word: str) -> str:
    """Lower case, without accents or other diacritics ("Minería" → "mineria"); ñ becomes n, as
    PostgreSQL's unaccent makes it."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """One word's stem: "formalización", "formalizar" and "Formalizacion" → "formaliz"."""
    return str(_stemmer.stemWord(fold(word)))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def stemmed(text: str) -> str:
    """The text as SQLite's index holds it: each word's stem, in order (so phrases match)."""
    return " ".join(stem(word) for word in words(text))


@dataclass(frozen=True)
class Part:
    """A word, or a phrase in quotes: its words in order."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Query:
    parts: tuple[Part, ...]

    @property
    def stems(self) -> frozenset[str]:
        """What a snippet highlights."""
        return frozenset(
            stem(word) for part in self.parts for word in part.words if fold(word) not in STOPWORDS
        )

    def __bool__(self) -> bool:
        return bool(self.parts)


def parse(text: str) -> Query:
    """Words and "phrases in quotes"; every part must be found. An unclosed quote runs to the
    end. Plain words that mean nothing alone ("de", "la") are left out, as PostgreSQL does."""
    text = clean(text)[:MAX_QUERY_LENGTH]  # no NUL or lone surrogate reaches an engine
    text = text.replace("“", '"').replace("”", '"').replace("«", '"').replace("»", '"')
    parts: list[Part] = []
    for index, chunk in enumerate(text.split('"')):
        found = words(chunk)
        if index % 2:  # inside quotes
            if found:
                parts.append(Part(tuple(found)))
        else:
            parts += [Part((word,)) for word in found if fold(word) not in STOPWORDS]
    unique: dict[tuple[str, ...], Part] = {}
    for part in parts:  # "minería MINERÍA" asks for one thing
        unique.setdefault(tuple(stem(word) for word in part.words), part)
    return Query(tuple(unique.values())[:MAX_PARTS])


def fts5_match(query: Query) -> str:
    """The FTS5 MATCH expression: each part a quoted string of stems (a phrase when it has
    several), all required. Stems are letters and digits only, so quoting is enough."""
    return " AND ".join('"' + " ".join(stem(w) for w in part.words) + '"' for part in query.parts)


SNIPPET_WORDS = 30


def snippet(text: str, query: Query, size: int = SNIPPET_WORDS) -> Markup:
    """About `size` words of `text` around the densest run of the query's words, escaped, with
    each matching word in <mark>. Escaping comes first: whatever the text holds is shown as
    text."""
    wanted = query.stems
    spans = [(m.start(), m.end(), stem(m.group()) in wanted) for m in _WORD.finditer(text)]
    if not spans:
        return Markup("")
    hits = [i for i, (_, _, hit) in enumerate(spans) if hit]
    best = 0
    if hits:
        # The window of `size` words that holds most hits, starting a little before the first.
        best_count = -1
        for first in hits:
            start = max(0, min(first - 3, len(spans) - size))
            count = sum(1 for h in hits if start <= h < start + size)
            if count > best_count:
                best, best_count = start, count
    window = spans[best : best + size]
    to_the_end = best + size >= len(spans)
    begin = 0 if best == 0 else window[0][0]
    end = len(text) if to_the_end else window[-1][1]
    out: list[str] = ["…"] if best > 0 else []
    cursor = begin
    for start, stop, hit in window:
        if not hit:
            continue
        out.append(str(escape(text[cursor:start])))
        out.append(f"<mark>{escape(text[start:stop])}</mark>")
        cursor = stop
    out.append(str(escape(text[cursor:end])))
    if not to_the_end:
        out.append("…")
    return Markup("".join(out))  # noqa: S704 (every piece of text was escaped above)
