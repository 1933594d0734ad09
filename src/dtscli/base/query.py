"""The arguments of the scheme filters (`dts list`, `dts export`, `kb.schemes`) in the form
the query takes: types in capitals, codes padded, unknown values refused with a hint; and
what `--text` searches. No pydantic: the list's fast path (cache/listindex.py) uses it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dtscli.data.vocab import SCHEME_TYPES, Status, fold
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _
from dtscli.util.suggest import did_you_mean


def normalise_types(types: Iterable[str]) -> list[str]:
    result = []
    for value in types:
        upper = value.upper()
        if upper not in SCHEME_TYPES:
            guess = did_you_mean(upper, list(SCHEME_TYPES))
            hint = _(" (did you mean {guess}?)").format(guess=guess) if guess else ""
            raise DtsError(
                _("unknown scheme type {value!r}{hint}; types are: {types}").format(
                    value=value, hint=hint, types=", ".join(SCHEME_TYPES)
                )
            )
        result.append(upper)
    return result


def normalise_statuses(statuses: Iterable[str]) -> list[str]:
    known = [status.value for status in Status]
    for value in statuses:
        if value not in known:
            guess = did_you_mean(value, known)
            hint = _(" (did you mean {guess}?)").format(guess=guess) if guess else ""
            raise DtsError(
                _("unknown status {value!r}{hint}; statuses are: {statuses}").format(
                    value=value, hint=hint, statuses=", ".join(known)
                )
            )
    return list(statuses)


def normalise_code(code: str) -> str:
    """`6` -> `06` for departments and regions typed without their leading zero."""
    code = code.strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def validate_codes(depts: Iterable[str], regions: Iterable[str], known: dict[str, set]) -> None:
    for dept in depts:
        if dept not in known["depts"]:
            raise DtsError(
                _("unknown department {code!r}; use an INSEE code such as 06 or 2A").format(
                    code=dept
                )
            )
    for region in regions:
        if region not in known["regions"]:
            raise DtsError(
                _("unknown region {code!r}; use an INSEE code such as 93 (PACA)").format(
                    code=region
                )
            )


def search_text(scheme: Any) -> str:
    """What `--text` searches: name, notes and id, folded."""
    return fold(" ".join(filter(None, [scheme.name, scheme.notes, scheme.id])))
