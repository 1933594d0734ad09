"""Time: dates in order, durations within the type's, status that agrees with the dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data import kinds
from dtscli.data.findings import Finding, Severity
from dtscli.util.calendar import add_years
from dtscli.util.i18n import N_, _, format_date, ngettext


@declare("date-order", "time", Severity.error, N_("A scheme cannot end before it is signed."))
def date_order(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked(kinds.SCHEME):
        scheme = loaded.record
        if scheme.signed_on and scheme.end_on and scheme.end_on < scheme.signed_on:
            yield finding(
                "date-order",
                loaded,
                _("end_on {end} is before signed_on {start}").format(
                    end=scheme.end_on, start=scheme.signed_on
                ),
                "end_on",
                hint=_("check both dates against the source"),
            )


@declare(
    "duration-exceeds-type",
    "time",
    Severity.warning,
    N_("A CLS or a PTSM runs for five years; a longer one is usually a typo in a date."),
)
def duration_exceeds_type(scope: Scope, ctx: Context) -> Iterator[Finding]:
    tolerance = int(ctx.option("duration-exceeds-type", "tolerance_days", 31))
    for loaded in scope.checked(kinds.SCHEME):
        scheme = loaded.record
        scheme_type = scope.find(kinds.SCHEME_TYPE, scheme.type)
        if not (scheme.signed_on and scheme.end_on and scheme_type):
            continue
        years = scheme_type.record.duration_years
        if years is None:
            continue
        limit = add_years(scheme.signed_on, years)
        if limit == dt.date.max:
            continue  # no date can be past the calendar's end
        if (scheme.end_on - limit).days > tolerance:
            yield finding(
                "duration-exceeds-type",
                loaded,
                ngettext(
                    "this {type} runs from {start} to {end}, longer than the {years} year "
                    "of its type",
                    "this {type} runs from {start} to {end}, longer than the {years} years "
                    "of its type",
                    years,
                ).format(
                    type=scheme.type,
                    start=format_date(scheme.signed_on),
                    end=format_date(scheme.end_on),
                    years=years,
                ),
                "end_on",
                hint=_("check the dates; a renewal is a new signature date"),
            )


@declare(
    "active-but-ended",
    "time",
    Severity.warning,
    N_("A scheme whose end date has passed is probably expired or being renewed."),
)
def active_but_ended(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked(kinds.SCHEME):
        scheme = loaded.record
        if scheme.status.value == "active" and scheme.end_on and scheme.end_on < ctx.today:
            yield finding(
                "active-but-ended",
                loaded,
                _("status is active but end_on {end} has passed: expired?").format(
                    end=scheme.end_on
                ),
                "status",
                hint=_("set status to expired or renewal, or correct end_on"),
            )


@declare(
    "signed-in-future", "time", Severity.error, N_("A signature date cannot be in the future.")
)
def signed_in_future(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked(kinds.SCHEME):
        scheme = loaded.record
        if scheme.signed_on and scheme.signed_on > ctx.today:
            yield finding(
                "signed-in-future",
                loaded,
                _("signed_on {date} is in the future").format(date=scheme.signed_on),
                "signed_on",
                hint=_("leave signed_on empty until signature; use status: in_preparation"),
            )


@declare(
    "source-date-future",
    "time",
    Severity.warning,
    N_("A source cannot vouch for a future date."),
)
def source_date_future(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked():
        for index, source in enumerate(getattr(loaded.record, "sources", None) or []):
            if source.as_of != "unknown" and source.as_of > ctx.today:
                yield finding(
                    "source-date-future",
                    loaded,
                    _("as_of {date} is in the future").format(date=source.as_of),
                    "sources",
                    index,
                    "as_of",
                    hint=_("as_of is the date the source says the fact was true"),
                )
