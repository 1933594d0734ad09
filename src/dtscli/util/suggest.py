"""« Did you mean…? »: the closest choice to a mistyped word, by a typo-aware distance.

The distance is the optimal string alignment form of Damerau–Levenshtein, on case-folded
text: inserting, deleting or replacing a character costs 1, swapping two adjacent ones costs
0.5 — the commonest slip of the fingers, so that `CLMS` is nearer to `CLSM` (one swap) than
to `CLS` (one deletion). A choice is proposed only when it is close for its length (the
allowance of Python's own "did you mean" for names: (len(a) + len(b) + 3) / 6 edits); among
equally close choices, the one sharing the most characters in order wins (difflib's ratio),
then the first given. When none is close, a choice that begins with the word (a truncated
id) is proposed.

Only imported on a mistake: nothing here is on the start-up path.
"""

from __future__ import annotations

from collections.abc import Iterable

SWAP = 0.5


def distance(first: str, second: str, limit: float | None = None) -> float:
    """Optimal string alignment distance of two strings (case-folded), with a swap of two
    adjacent characters costing 0.5. With `limit`, may stop early and return a value above
    it once every alignment costs more."""
    a, b = first.casefold(), second.casefold()
    if a == b:
        return 0.0
    if not a or not b:
        return float(len(a) or len(b))
    before: list[float] = []  # the row two steps back, for swaps
    previous = [float(j) for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        current = [float(i)] + [0.0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0.0 if a[i - 1] == b[j - 1] else 1.0
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and cost:
                best = min(best, before[j - 2] + SWAP)
            current[j] = best
        if limit is not None and min(current) > limit:
            return min(current)
        before, previous = previous, current
    return previous[-1]


def allowance(word: str, choice: str) -> float:
    """How many edits still make `choice` a plausible intent for `word`."""
    return (len(word) + len(choice) + 3) / 6


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` most likely meant, or None when none is close enough."""
    ranked: list[tuple[float, float, int, str]] = []
    for position, choice in enumerate(dict.fromkeys(choices)):
        if not choice or choice == word:
            continue
        limit = allowance(word, choice)
        if abs(len(choice) - len(word)) > limit:
            continue  # each extra character is an edit: too far already
        edits = distance(word, choice, limit)
        if edits <= limit:
            ranked.append((edits, 0.0, position, choice))
    if not ranked:
        return _completion(word, choices)
    fewest = min(item[0] for item in ranked)
    tied = [item for item in ranked if item[0] == fewest]
    if len(tied) > 1:
        import difflib

        def share(choice: str) -> float:
            return difflib.SequenceMatcher(None, word.casefold(), choice.casefold()).ratio()

        tied = [(e, -share(c), p, c) for e, _, p, c in tied]
    return min(tied)[3]


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` most likely meant, or None: what every "did you mean" proposes."""
    return closest(word, choices)


def _completion(word: str, choices: Iterable[str]) -> str | None:
    """A choice that `word` begins (a truncated id: `ars-paca-webinaire` for
    `ars-paca-webinaire-sante-mentale-qpv-2025`), the shortest when several do."""
    folded = word.casefold()
    if len(folded) < 3:
        return None
    started = [c for c in dict.fromkeys(choices) if c and c.casefold().startswith(folded)]
    return min(started, key=len) if started else None
