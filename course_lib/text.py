"""Text helpers: tokenizing and removing the translators' insertions.

The speaker-comparison work extends this module (keyword in context, aliases); the parser's
notion of an insertion lives in :func:`course_lib.source.insertion_spans`.
"""

from __future__ import annotations

import re

from course_lib.source import insertion_spans

__all__ = ["WORD_RE", "count_words", "strip_insertions", "tokenize"]

#: A word: letters or digits, with inner apostrophes or hyphens ("Khrushchev's", "post-war").
WORD_RE = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")


def tokenize(text: str) -> list[str]:
    """Split text into lower-cased words.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str
    """
    return [m.group(0).lower() for m in WORD_RE.finditer(text)]


def count_words(text: str) -> int:
    """Count the words in a text (see :data:`WORD_RE`).

    Parameters
    ----------
    text : str

    Returns
    -------
    int
    """
    return sum(1 for _ in WORD_RE.finditer(text))


def strip_insertions(text: str) -> str:
    """Remove the translators' bracketed insertions and tidy the spaces left behind.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        What the speaker said, as far as the translation shows it.
    """
    pieces = []
    last = 0
    for start, end in insertion_spans(text):
        pieces.append(text[last:start])
        last = end
    pieces.append(text[last:])
    out = "".join(pieces)
    out = re.sub(r"[ \t]{2,}", " ", out)
    out = re.sub(r" +([,.;:!?])", r"\1", out)
    return out.strip()
