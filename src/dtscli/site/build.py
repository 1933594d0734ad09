"""`dts site`: a static website of the whole base, in French, that works from `file://` and
from any static host (GitHub Pages): relative links only, no server, no request to
anywhere else.

Pages (each shows its sources and their dates, and the data version):

    index.html                    what the base holds, counts by type, a map of France
    types/<type>.html             definition, legal basis, counts, national map, list
    regions/index.html            regions and their départements
    regions/<code>.html           counts, maps by type (covered communes), schemes, contacts
    departements/<code>.html      maps by type (every commune), schemes, contacts, the
                                  largest towns no CLS or CLSM covers
    demarches/<id>.html           one scheme: facts, territory map, sources, related schemes
    textes/index.html, textes/<id>.html          legal texts
    territoires/index.html, territoires/<id>.html local territories and QPV
    bibliographie/index.html      by year; bibliographie/<type>.html by scheme type;
                                  downloads: CSL-JSON, RIS, CSV
    recherche.html                search (a static index and a few lines of script)

Everything but the search works without JavaScript. Record text is escaped by Jinja's
autoescape; a link is made only of an http, https or mailto address. People's contact
details (names of persons, e-mail addresses, phones) appear only with `personal=True`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dtscli.base.kb import KnowledgeBase
from dtscli.base.loader import LoadedRecord
from dtscli.data import models
from dtscli.site.bibliography import BibliographyPages
from dtscli.site.places import PlacePages
from dtscli.site.records import RecordPages
from dtscli.site.render import HERE
from dtscli.site.safety import safe_href
from dtscli.site.search_index import SearchPage
from dtscli.site.write import write_file
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _, ngettext

__all__ = ["Site", "run", "safe_href", "split_work", "unloadable"]

# The split of the work between two processes (`split_work`), measured on the synthetic
# national base of benchmarks/run.py: a département's page (a map per type, every commune
# drawn) takes as long as about 20 scheme pages, and the national pages the first process
# writes after its départements about a third of what the départements take.
DEPT_PAGE_WEIGHT = 20
CHILD_SHARE = 0.64


class Site(PlacePages, RecordPages, BibliographyPages, SearchPage):
    """The builder of the site: the pages of each département and its schemes, then the
    national pages (see the module docstring)."""

    # ------------------------------------------------------------ pages

    def build(self) -> None:
        if self.output.exists() and not self.output.is_dir():
            raise DtsError(_("{path} exists and is not a folder").format(path=self.output))
        self.output.mkdir(parents=True, exist_ok=True)
        assets = self.output / "assets"
        assets.mkdir(exist_ok=True)
        for name in ("style.css", "recherche.js"):
            write_file(assets / name, (HERE / "static" / name).read_bytes())
        # Département after département: its page, then its schemes' pages, while its
        # geometry is in memory; the covered communes kept coarse for the maps of France
        # and of the regions, drawn after. With two cores or more, a forked process writes
        # a share of the départements while this one writes the others, then the rest
        # (see `split_work`).
        by_first: dict[str, list[LoadedRecord]] = defaultdict(list)
        for loaded in self.schemes:
            territory = self.territory(loaded.record.territory)
            first = min(territory.depts) if territory is not None and territory.depts else ""
            by_first[first].append(loaded)
        depts = sorted(self.referential.departements)
        mine, theirs = split_work(depts, by_first, self.jobs)
        child = self.fork_pass(theirs, by_first) if theirs else None
        self.index_places_and_schemes()  # the search page is this process's
        self.dept_pass(mine, by_first)
        for dept in theirs:  # the maps of France and of the regions need their communes
            self.keep_coarse(dept)
        for rest in (v for k, v in by_first.items() if k not in depts):
            for loaded in rest:
                self.scheme_page(loaded)
        self.home()
        for code in models.SCHEME_TYPES:
            if code in self.types:
                self.type_page(code)
        self.region_pages()
        self.legal_pages()
        self.territory_pages()
        self.bibliography()
        self.search_page()
        if child is not None:
            self.join(child, theirs, by_first)

    def keep_coarse(self, dept: str) -> None:
        if self.maps is not None:
            covered = [c for c in self.referential.communes_of_dept(dept) if c in self.by_commune]
            self.maps.keep_coarse(dept, covered)

    def dept_pass(
        self, depts: Sequence[str], by_first: dict[str, list[LoadedRecord]], coarse: bool = True
    ) -> None:
        """The pages of `depts` and of their schemes; with `coarse`, the covered communes
        kept for the national maps (not in the forked process: they would die with it)."""
        for dept in depts:
            if coarse:
                self.keep_coarse(dept)
            self.dept_page(dept)
            for loaded in by_first.get(dept, []):
                self.scheme_page(loaded)
            if self.maps is not None:
                self.maps.paths.clear()  # drawn in this département's frames only

    def fork_pass(self, depts: Sequence[str], by_first: dict[str, list[LoadedRecord]]) -> tuple:
        """Write the pages of `depts` in a forked process; (pid, pipe) to `join`."""
        import os
        import traceback

        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: write, say how it went, leave at once
            os.close(read)
            status, message = 0, b""
            try:
                self.dept_pass(depts, by_first, coarse=False)
            except BaseException as error:  # reported by the parent
                status = 1
                text = getattr(error, "message", None) or "".join(
                    traceback.format_exception_only(type(error), error)
                )
                message = str(text).strip().encode("utf-8", "replace")
            os.write(write, message)
            os.close(write)
            os._exit(status)
        os.close(write)
        return pid, read

    def join(self, child: tuple, depts: Sequence[str], by_first: dict) -> None:
        import os

        pid, read = child
        chunks = []
        while chunk := os.read(read, 65536):
            chunks.append(chunk)
        os.close(read)
        status = os.waitpid(pid, 0)[1]
        if os.waitstatus_to_exitcode(status) != 0:
            said = b"".join(chunks).decode("utf-8", "replace") or _("it stopped")
            raise DtsError(
                _("writing the pages of départements {first}…{last}: {reason}").format(
                    first=depts[0], last=depts[-1], reason=said
                )
            )
        self.pages += len(depts) + sum(len(by_first.get(d, [])) for d in depts)


def split_work(
    depts: Sequence[str], by_first: dict[str, list[LoadedRecord]], jobs: int
) -> tuple[list[str], list[str]]:
    """The départements this process writes, and those a forked one writes (none with one
    job, or where there is no fork). The forked process gets the larger share
    (CHILD_SHARE of the pages, a département's page weighing DEPT_PAGE_WEIGHT schemes'),
    since this one writes the national pages after its own: both end about together."""
    if jobs < 2 or not hasattr(os, "fork"):
        return list(depts), []
    weights = {d: DEPT_PAGE_WEIGHT + len(by_first.get(d, [])) for d in depts}
    share = sum(weights.values()) * CHILD_SHARE
    done, cut = 0, len(depts)
    for index, dept in enumerate(depts):
        done += weights[dept]
        if done >= share:
            cut = index + 1
            break
    return list(depts[cut:]), list(depts[:cut])


def unloadable(kb: KnowledgeBase) -> str | None:
    """One line on the files that did not load (the site leaves their records out), or
    None. Two records with one id stop the site instead (see `require_loadable`)."""
    from dtscli.data.findings import Severity

    if kb.duplicates:
        return None
    errors = [f for f in kb.findings if f.severity is Severity.error]
    if not errors:
        return None
    files = sorted({f.path for f in errors})
    where = f"{errors[0].location()}: {errors[0].message}"
    others = len(files) - 1
    if not others:
        return _(
            "{where}; the site leaves out the records of this file: `dts check` lists the problems"
        ).format(where=where)
    return ngettext(
        "{where}; the site leaves out the records of this file and {count} other file: "
        "`dts check` lists the problems",
        "{where}; the site leaves out the records of this file and {count} other files: "
        "`dts check` lists the problems",
        others,
    ).format(where=where, count=others)


def run(
    kb: KnowledgeBase,
    output: Path,
    *,
    personal: bool = False,
    today: dt.date | None = None,
    geometry: Any = None,
    jobs: int | None = None,
) -> Site:
    """Write the site of `kb` into `output`; returns the builder (pages written…). `jobs`:
    processes (default: two where there are two cores)."""
    site = Site(kb, output, personal=personal, today=today, geometry=geometry, jobs=jobs)
    try:
        site.build()
    except OSError as error:
        reason = error.strerror or error
        raise DtsError(
            _("cannot write the site in {path}: {reason}").format(path=output, reason=reason)
        ) from None
    return site
