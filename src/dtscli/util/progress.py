"""A progress bar on the terminal for work that lasts: loading a large base cold, running the
rules on it.

The library stays silent: `track(items, label)` hands the items back untouched unless the
command line called `enable()`, which it does only when standard error is a terminal — never
in a pipe, a file or CI logs. Even then the bar appears only once the work has run for
`DELAY` seconds (a warm command never shows one), on standard error, and disappears when
the work is done. rich is imported only when a bar is drawn.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO, TypeVar

T = TypeVar("T")
DELAY = 1.0  # seconds of work before a bar is worth showing
_stream: TextIO | None = None


def enable(stream: TextIO | None = None) -> None:
    """Draw bars on `stream` (default: standard error) from now on."""
    global _stream
    import sys

    _stream = stream or sys.stderr


def disable() -> None:
    global _stream
    _stream = None


def track(items: Sequence[T], label: str, delay: float = DELAY) -> Iterable[T]:
    """`items`, with a bar labelled `label` on the terminal once the loop has run for
    `delay` seconds; `items` themselves when bars are off."""
    if _stream is None or len(items) < 2:
        return items
    return _tracked(items, label, delay, _stream)


def _tracked(items: Sequence[T], label: str, delay: float, stream: TextIO) -> Iterator[T]:
    start = time.monotonic()
    bar: Any = None
    task = None
    try:
        for done, item in enumerate(items):
            if bar is None:
                if done % 32 == 0 and time.monotonic() - start >= delay:
                    bar, task = _bar(label, len(items), done, stream)
            elif done % 16 == 0:
                bar.update(task, completed=done)
            yield item
    finally:
        if bar is not None:
            bar.stop()


def _bar(label: str, total: int, done: int, stream: TextIO) -> tuple[Any, Any]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=stream, force_terminal=True),
        transient=True,
    )
    bar.start()
    return bar, bar.add_task(label, total=total, completed=done)
