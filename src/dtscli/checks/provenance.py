"""How sure a status is: said whether stated or inferred (with the reason), and not resting
only on a source too old to vouch for it today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dtscli.base.provenance import newest_date
from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data import kinds, vocab
from dtscli.data.findings import Finding, Severity
from dtscli.util.calendar import add_years
from dtscli.util.i18n import N_, _, format_date, ngettext

if TYPE_CHECKING:  # the models cost pydantic: a warm check re-checks without it
    from dtscli.data import models

DEFAULT_MAX_AGE_YEARS = 3


@declare(
    "status-basis",
    "consistency",
    Severity.error,
    N_(
        "A reader must know whether a source states a status or the base infers it, and why: "
        "figures count only statuses that say the scheme exists."
    ),
)
def status_basis(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked(kinds.SCHEME):
        scheme: models.Scheme = loaded.record
        if scheme.status is vocab.Status.unknown:
            continue
        if scheme.status_basis is None:
            yield finding(
                "status-basis",
                loaded,
                _("status {status!r} does not say whether a source states it").format(
                    status=scheme.status.value
                ),
                "status",
                hint=_(
                    "add `status_basis: stated` if the source says so, or `status_basis: "
                    "inferred` and the reason in the notes"
                ),
            )
        elif scheme.status_basis is vocab.StatusBasis.inferred and not (
            scheme.notes and scheme.notes.strip()
        ):
            yield finding(
                "status-basis",
                loaded,
                _("the status is inferred but the notes do not say why"),
                "status_basis",
                hint=_("write in `notes` what the status is inferred from"),
            )


@declare(
    "status-source-old",
    "time",
    Severity.warning,
    N_("A status that only an old source vouches for may no longer be true."),
    options=(("max_age_years", DEFAULT_MAX_AGE_YEARS),),
)
def status_source_old(scope: Scope, ctx: Context) -> Iterator[Finding]:
    years = int(ctx.option("status-source-old", "max_age_years", DEFAULT_MAX_AGE_YEARS))
    limit = years_before(ctx.today, years)
    for loaded in scope.checked(kinds.SCHEME):
        scheme: models.Scheme = loaded.record
        if scheme.status is vocab.Status.unknown:
            continue
        newest = newest_date(scheme.sources)
        if newest is not None and newest < limit:
            yield finding(
                "status-source-old",
                loaded,
                ngettext(
                    "the status rests only on a source of {date}, more than {years} year ago",
                    "the status rests only on a source of {date}, more than {years} years ago",
                    years,
                ).format(date=format_date(newest), years=years),
                "status",
                hint=_("find a newer source, or set `status: unknown` until one confirms it"),
            )


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` years earlier (28 February for a 29 February; the calendar's first
    day when that is before it: see util/calendar.py)."""
    return add_years(day, -years)
