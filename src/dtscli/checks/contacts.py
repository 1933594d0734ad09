"""Contacts: e-mails and phones well formed, people's details sourced and recently checked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dtscli.checks.calendar import months_before
from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data import kinds
from dtscli.data.findings import Finding, Severity
from dtscli.data.vocab import EMAIL_RE
from dtscli.util.i18n import N_, _, format_date, ngettext

PHONE_RE = re.compile(r"^(?:0[1-9]|\+33 ?[1-9])(?:[ .-]?\d{2}){4}$")


@declare("contact-email", "contacts", Severity.error, N_("A malformed e-mail address bounces."))
def contact_email(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked(kinds.CONTACT):
        email = loaded.record.email
        if email is not None and not EMAIL_RE.match(email):
            yield finding(
                "contact-email",
                loaded,
                _("{email!r} is not a valid e-mail address").format(email=email),
                "email",
                hint=_("write it as name@domain.fr, without spaces or 'mailto:'"),
            )


@declare(
    "contact-phone",
    "contacts",
    Severity.error,
    N_("French numbers have ten digits (or +33 and nine) so that people can dial them."),
)
def contact_phone(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked(kinds.CONTACT):
        phone = loaded.record.phone
        if phone is not None and not PHONE_RE.match(phone.strip()):
            yield finding(
                "contact-phone",
                loaded,
                _("{phone!r} is not a French phone number").format(phone=phone),
                "phone",
                hint=_("write it as '04 91 00 00 00' or '+33 4 91 00 00 00'"),
            )


@declare(
    "contact-verified",
    "contacts",
    Severity.error,
    N_("Personal data: a person's details carry the date they were last verified."),
)
def contact_verified(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked(kinds.CONTACT):
        contact = loaded.record
        if contact.kind == "person" and contact.verified_on is None:
            yield finding(
                "contact-verified",
                loaded,
                _("a person's contact details need `verified_on`"),
                "kind",
                hint=_("add `verified_on: YYYY-MM-DD`, the date you checked them"),
            )
        elif contact.verified_on and contact.verified_on > ctx.today:
            yield finding(
                "contact-verified",
                loaded,
                _("verified_on {date} is in the future").format(date=contact.verified_on),
                "verified_on",
            )


@declare(
    "contact-stale",
    "contacts",
    Severity.warning,
    N_("People change jobs: details not verified for 18 months are probably out of date."),
    options=(("max_age_months", 18),),
)
def contact_stale(scope: Scope, ctx: Context) -> Iterator[Finding]:
    months = int(ctx.option("contact-stale", "max_age_months", 18))
    limit = months_before(ctx.today, months)
    for loaded in scope.checked(kinds.CONTACT):
        contact = loaded.record
        if contact.verified_on and contact.verified_on < limit:
            yield finding(
                "contact-stale",
                loaded,
                ngettext(
                    "contact details last verified on {date}, more than {months} month ago",
                    "contact details last verified on {date}, more than {months} months ago",
                    months,
                ).format(date=format_date(contact.verified_on), months=months),
                "verified_on",
                hint=_("check them again and update verified_on"),
            )
