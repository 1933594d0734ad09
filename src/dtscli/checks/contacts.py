"""Contacts: e-mails and phones well formed, people's details sourced and recently checked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dtscli.checks.registry import Context, Scope, declare, finding
from dtscli.data import kinds
from dtscli.data.findings import Finding, Severity
from dtscli.data.vocab import EMAIL_RE
from dtscli.util.calendar import months_before
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
    N_(
        "Personal data: a person's details carry the date a source published them "
        "or the date someone checked them."
    ),
)
def contact_verified(scope: Scope, ctx: Context) -> Iterator[Finding]:
    for loaded in scope.checked(kinds.CONTACT):
        contact = loaded.record
        if contact.kind == "person" and contact.verified_on is None and not contact.published_on:
            yield finding(
                "contact-verified",
                loaded,
                _("a person's contact details need `published_on` or `verified_on`"),
                "kind",
                hint=_(
                    "add `published_on: YYYY-MM-DD`, the date the source published them, "
                    "or `verified_on`, the date you checked them"
                ),
            )
        for key in ("published_on", "verified_on"):
            day = getattr(contact, key)
            if day and day > ctx.today:
                yield finding(
                    "contact-verified",
                    loaded,
                    _("{key} {date} is in the future").format(key=key, date=day),
                    key,
                )


@declare(
    "contact-stale",
    "contacts",
    Severity.warning,
    N_(
        "People change jobs: details someone checked more than 18 months ago are probably "
        "out of date (details never checked are shown as published, not verified)."
    ),
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
