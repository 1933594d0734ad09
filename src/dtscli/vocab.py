"""The fixed vocabulary of the format, importable without pydantic (fast paths use it)."""

from __future__ import annotations

SCHEME_TYPES: tuple[str, ...] = ("CLS", "CLSM", "ASV", "PTSM", "CPTS", "DAC")
STATUSES: tuple[str, ...] = (
    "intention",
    "in_preparation",
    "renewal",
    "active",
    "expired",
    "unknown",
)


def did_you_mean(word: str, choices: list[str]) -> str | None:
    import difflib  # only on a mistake: keep it off the start-up path

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None
