"""`dts show`: one record with its references resolved, or what covers a territory."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from dtscli.base.describe import record_view, territory_view
from dtscli.base.kb import KnowledgeBase
from dtscli.cache.listindex import public, scheme_row
from dtscli.commands.common import load_base, require_loadable
from dtscli.data.vocab import did_you_mean
from dtscli.util.errors import DtsError
from dtscli.util.output import cell, check_format, dump_json

FORMATS = ("text", "json")


def run(data_dir: Path | None, record_id: str, fmt: str = "text", out: TextIO | None = None) -> int:
    check_format(fmt, FORMATS)
    show(load_base(data_dir), record_id, fmt, out)
    return 0


def show(kb: KnowledgeBase, record_id: str, fmt: str = "text", out: TextIO | None = None) -> None:
    require_loadable(kb)
    out = out or sys.stdout
    if ":" in record_id:
        view = territory_summary(kb, record_id)
    else:
        loaded = kb.get(record_id) or kb.get(record_id.upper())
        if loaded is None:
            every = [i for bucket in kb.records.values() for i in bucket]
            guess = did_you_mean(record_id, every)
            hint = f" (did you mean {guess!r}?)" if guess else ""
            raise DtsError(
                f"no record has the id {record_id!r}{hint}; `dts list` shows the schemes"
            )
        view = record_view(kb, loaded)
    if fmt == "json":
        dump_json(view, out)
    else:
        out.write(render_text(view))


def territory_summary(kb: KnowledgeBase, ref: str) -> dict[str, Any]:
    """A territory and every scheme that overlaps it ("what covers Nice?")."""
    territory = kb.referential.parse_territory(ref)
    covering = kb.covering(territory)
    return {
        "territory": territory_view(kb, territory.ref),
        "schemes": [public(scheme_row(kb, loaded)) for loaded in covering],
    }


def render_text(view: dict[str, Any], indent: int = 0) -> str:
    """A readable, YAML-like rendering of a view (no colour, stable, greppable)."""
    lines: list[str] = []
    pad = "  " * indent
    for key, value in view.items():
        if value in (None, [], {}):
            continue
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines.append(render_text(value, indent + 1).rstrip("\n"))
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            lines.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    body = render_text(item, indent + 2).rstrip("\n").lstrip()
                    lines.append(f"{pad}  - {body}")
                else:
                    lines.append(f"{pad}  - {cell(item)}")
        elif isinstance(value, str) and len(value) > 80:
            lines.append(f"{pad}{key}: {value}")
        else:
            lines.append(f"{pad}{key}: {cell(value)}")
    return "\n".join(line for line in lines if line) + "\n"
