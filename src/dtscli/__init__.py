"""dts: a knowledge base of French démarches territoriales de santé, as a library.

    from dtscli import KnowledgeBase, check

    kb = KnowledgeBase.load("data")
    for scheme in kb.schemes(type="CLSM", dept="06"):  # the selection of `dts list`
        print(scheme.id, scheme.name, scheme.territory, scheme.status)
    report = check("data")  # the findings of `dts check`

Library calls read the files and write nothing: no cache unless asked for
(`KnowledgeBase.load(..., cache_dir=...)`, or `use_cache=True` for the default folder).

The names are imported when first used (a module `__getattr__`), so that importing the
package, as the command line does on every run, costs nothing.
"""

from __future__ import annotations

import os

__version__ = "0.1.0"
__all__ = ["Finding", "KnowledgeBase", "Report", "Severity", "__version__", "check"]

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import datetime as dt
    from typing import Any

    from dtscli.base.kb import KnowledgeBase
    from dtscli.checks.runner import Report
    from dtscli.data.findings import Finding, Severity

_LAZY = {
    "KnowledgeBase": "dtscli.base.kb",
    "Report": "dtscli.checks.runner",
    "Finding": "dtscli.data.findings",
    "Severity": "dtscli.data.findings",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        if name == "KnowledgeBase":  # its `cache_dir=` opens dtscli/cache's caches
            importlib.import_module("dtscli.cache")
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dtscli' has no attribute {name!r}")


def check(data_dir: str | os.PathLike[str] = "data", today: dt.date | None = None) -> Report:
    """Check a knowledge base as `dts check` does (its dts.toml or [tool.dts] applies) and
    return the report: `.findings` (each with path, line, column, rule, severity, message,
    hint), `.count(Severity.error)`, `.exit_code()`. Dates are judged as of `today`
    (default: today). Writes nothing."""
    from pathlib import Path

    from dtscli.base.kb import KnowledgeBase
    from dtscli.checks.runner import load_config, repository_root, run_checks

    folder = Path(data_dir)
    if not folder.is_dir():
        from dtscli.util.errors import DtsError
        from dtscli.util.i18n import _

        raise DtsError(_("data directory {folder} does not exist").format(folder=folder))
    kb = KnowledgeBase.load(folder, base=repository_root(folder))
    return run_checks(kb, load_config(folder), today)
