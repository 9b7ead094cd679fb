"""The banned-word scan: one Aho–Corasick automaton per kind of goods, built once, over text
normalised against evasions, with every hit mapped back to its position in the original text.

Normalisation (``Normaliser``) is one ``str.translate`` that keeps the text's length: NFKC
for characters that NFKC maps to a single character (full-width ``ＮＯ．１`` → ``no.1``),
lower case, traditional → simplified for the characters of the listed words, and every
space, punctuation mark, symbol or invisible character (except ``%``, which terms use)
turned into a separator mark. Banned terms are matched with the separators removed, so
``最 佳``, ``最*佳`` and ``最​佳`` (zero-width space) are caught; exempt phrases
(最佳食用期, 第一次, declared brands) must appear contiguous, so a separator cannot be used
to borrow an exemption (``销量第一 次日达`` is still flagged).

Pure: no database. The data come from ``data/ad_law_terms.json`` plus the shop's entries.
"""

import bisect
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick

DATA_FILE = Path(__file__).resolve().parent / "data" / "ad_law_terms.json"
SEPARATOR = "\x00"
_RUNS = re.compile(f"[^{SEPARATOR}]+")
_KEEP = frozenset("%")
_SEPARATOR_CATEGORIES = ("Z", "P", "S", "C")

# Which term scopes apply to which kind of goods (see GoodsKind).
SCOPES = {
    "general": frozenset({"all", "non_medical"}),
    "cosmetics": frozenset({"all", "non_medical", "cosmetics"}),
    "food": frozenset({"all", "non_medical", "food"}),
    "medical": frozenset({"all"}),
}


@dataclass(frozen=True)
class Term:
    """One listed term with where it comes from."""

    term: str
    category: str
    severity: str
    basis: str
    scope: str = "all"
    needs: str = ""          # promotion terms: "period" or "price" makes them acceptable
    source: str = "builtin"  # or "shop"


@dataclass(frozen=True)
class Hit:
    """A listed term found in a text: ``text[start:end]`` is what was written."""

    term: Term
    start: int
    end: int
    written: str


@cache
def _base_table() -> dict[int, str]:
    """NFKC (one-to-one part) + lower case + separators, for the Basic Multilingual Plane."""
    table: dict[int, str] = {}
    for code in range(0x10000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        folded = unicodedata.normalize("NFKC", char)
        folded = folded.lower() if len(folded) == 1 else char.lower()
        if len(folded) != 1:
            folded = char
        if folded not in _KEEP and unicodedata.category(folded)[0] in _SEPARATOR_CATEGORIES:
            folded = SEPARATOR
        if folded != char:
            table[code] = folded
    return table


class Normaliser:
    """Length-preserving normalisation plus separator stripping with a position map."""

    def __init__(self, traditional: dict[str, str]):
        table = dict(_base_table())
        for traditional_char, simplified in traditional.items():
            table[ord(traditional_char)] = simplified
        self.table = table

    def light(self, text: str) -> str:
        """Same length as ``text``: position i is still character i of the original."""
        return text.translate(self.table)

    def stripped(self, light: str) -> tuple[str, list[int] | None, list[int] | None]:
        """``light`` without separators, with (run starts in the stripped text, run starts in
        the original) to map positions back; ``None`` maps when nothing was removed."""
        if SEPARATOR not in light:
            return light, None, None
        parts, stripped_starts, original_starts, length = [], [], [], 0
        for run in _RUNS.finditer(light):
            parts.append(run.group())
            stripped_starts.append(length)
            original_starts.append(run.start())
            length += run.end() - run.start()
        return "".join(parts), stripped_starts, original_starts

    def key(self, term: str) -> str:
        return self.light(term).replace(SEPARATOR, "")


def _to_original(index: int, stripped_starts: list[int] | None,
                 original_starts: list[int] | None) -> int:
    if stripped_starts is None:
        return index
    run = bisect.bisect_right(stripped_starts, index) - 1
    return original_starts[run] + index - stripped_starts[run]


def _is_latin(char: str) -> bool:
    return "a" <= char <= "z"


class Lexicon:
    """The word list for one kind of goods, compiled into two automata."""

    def __init__(self, terms: Iterable[Term], exempt_phrases: Iterable[str],
                 normaliser: Normaliser):
        self.normaliser = normaliser
        self.terms: dict[str, Term] = {}
        for term in terms:  # later entries (the shop's) replace built-in ones with the same key
            key = normaliser.key(term.term)
            if key:
                self.terms[key] = term
        self.banned = ahocorasick.Automaton()
        for key, term in self.terms.items():
            self.banned.add_word(key, (len(key), term))
        self.banned.make_automaton()
        self.exempt = ahocorasick.Automaton()
        self.exempt_keys = sorted({normaliser.light(p) for p in exempt_phrases if p.strip()})
        for phrase in self.exempt_keys:
            self.exempt.add_word(phrase, len(phrase))
        if self.exempt_keys:
            self.exempt.make_automaton()

    def _exempt_spans(self, light: str) -> list[tuple[int, int]]:
        if not self.exempt_keys:
            return []
        return [(end - length + 1, end + 1) for end, length in self.exempt.iter(light)]

    def scan(self, text: str) -> list[Hit]:
        """Every listed term in ``text`` (leftmost-longest, not overlapping), exemptions removed."""
        if not text or not self.terms:
            return []
        light = self.normaliser.light(text)
        stripped, stripped_starts, original_starts = self.normaliser.stripped(light)
        candidates = self.candidates(stripped)
        return self._resolve(text, light, stripped, candidates, stripped_starts, original_starts)

    def candidates(self, stripped: str) -> list[tuple[int, int, Term]]:
        """(first, last, term) of the leftmost-longest matches in normalised text."""
        return [(end - length + 1, end, term)
                for end, (length, term) in self.banned.iter_long(stripped)]

    def naive_candidates(self, stripped: str) -> list[tuple[int, int, Term]]:
        """The same matches found by a per-word substring loop."""
        found = []
        for key, term in self.terms.items():
            position = stripped.find(key)
            while position != -1:
                found.append((position, position + len(key) - 1, term))
                position = stripped.find(key, position + 1)
        found.sort(key=lambda item: (item[0], item[0] - item[1]))
        candidates, taken_until = [], -1
        for start, end, term in found:  # leftmost-longest without overlaps, as iter_long does
            if start > taken_until:
                candidates.append((start, end, term))
                taken_until = end
        return candidates

    def naive_scan(self, text: str) -> list[Hit]:
        """The same scan done by a per-word substring loop (the benchmark's baseline)."""
        if not text or not self.terms:
            return []
        light = self.normaliser.light(text)
        stripped, stripped_starts, original_starts = self.normaliser.stripped(light)
        candidates = self.naive_candidates(stripped)
        return self._resolve(text, light, stripped, candidates, stripped_starts, original_starts)

    def _resolve(self, text, light, stripped, candidates, stripped_starts,
                 original_starts) -> list[Hit]:
        hits: list[Hit] = []
        spans = None
        for start, end, term in candidates:
            if _is_latin(stripped[start]) and start > 0 and _is_latin(stripped[start - 1]):
                continue  # "no1" inside a Latin word is not "NO.1"
            first = _to_original(start, stripped_starts, original_starts)
            last = _to_original(end, stripped_starts, original_starts) + 1
            if spans is None:
                spans = self._exempt_spans(light)
            if any(s <= first and last <= e for s, e in spans):
                continue
            hits.append(Hit(term=term, start=first, end=last, written=text[first:last]))
        return hits


@dataclass(frozen=True)
class WordList:
    """The built-in data file: terms, exempt phrases, goods-kind keywords, traditional map."""

    terms: tuple[Term, ...]
    exemptions: tuple[tuple[str, str], ...]
    goods_kinds: dict[str, tuple[str, ...]]
    traditional: dict[str, str]
    version: str


@cache
def builtin_word_list() -> WordList:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    terms = tuple(Term(term=e["term"], category=e["category"], severity=e["severity"],
                       basis=e["basis"], scope=e.get("scope", "all"), needs=e.get("needs", ""))
                  for e in data["terms"])
    return WordList(
        terms=terms,
        exemptions=tuple((e["phrase"], e["note"]) for e in data["exemptions"]),
        goods_kinds={kind: tuple(words) for kind, words in data["goods_kinds"].items()},
        traditional=dict(data["traditional"]),
        version=data["version"],
    )


class LexiconSet:
    """One lexicon per kind of goods, built on first use, from the built-in list plus the
    shop's additions and exemptions (and declared brand names, which are exempt too)."""

    def __init__(self, *, extra_terms: Iterable[Term] = (), extra_exemptions: Iterable[str] = (),
                 word_list: WordList | None = None):
        self.word_list = word_list or builtin_word_list()
        self.normaliser = Normaliser(self.word_list.traditional)
        self.extra_terms = tuple(extra_terms)
        self.exempt_phrases = (*(phrase for phrase, _note in self.word_list.exemptions),
                               *extra_exemptions)
        self._by_kind: dict[str, Lexicon] = {}

    def for_kind(self, goods_kind: str) -> Lexicon:
        lexicon = self._by_kind.get(goods_kind)
        if lexicon is None:
            scopes = SCOPES.get(goods_kind, SCOPES["general"])
            terms = [t for t in (*self.word_list.terms, *self.extra_terms) if t.scope in scopes]
            lexicon = Lexicon(terms, self.exempt_phrases, self.normaliser)
            self._by_kind[goods_kind] = lexicon
        return lexicon

    def goods_kind_of(self, category_names: Iterable[str]) -> str:
        """The kind of goods a category path suggests (``美妆 / 护肤`` → cosmetics)."""
        names = list(category_names)
        for kind in ("medical", "cosmetics", "food"):
            words = self.word_list.goods_kinds.get(kind, ())
            if any(word in name for name in names for word in words):
                return kind
        return "general"
