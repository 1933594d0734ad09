"""`dts check`: the gate on data pull requests, from the saved state of the last check when
it can be (cache/recheck.py), else from the whole base."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from dtscli.base.layout import find_data_dir
from dtscli.base.loader import display_path
from dtscli.cache import checkstate
from dtscli.cache.recheck import recheck
from dtscli.checks.report import write_report
from dtscli.checks.runner import (
    Report,
    changed_files,
    load_config,
    repository_root,
    select_paths,
    shape,
    whole_base_findings,
)
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _
from dtscli.util.output import check_format

FORMATS = ("text", "json", "github", "sarif")


def parse_day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise DtsError(
            _("--today {text!r}: write the date as YYYY-MM-DD").format(text=text)
        ) from error


def check_base(
    data_dir: Path,
    paths: list[Path] | None = None,
    changed_since: str | None = None,
    today: dt.date | None = None,
    cache_dir: Path | None = None,
    staged: bool = False,
) -> Report:
    """Check the whole base, keep the findings of the selected files (`paths`, the files
    changed since a git ref, or with `staged` those staged for the next commit).

    The findings of the last whole-base check are saved (checkstate.py); when only some
    files changed since, and not in a way other files depend on, only they are re-read
    and re-checked. Otherwise every file is loaded (through the record cache, which
    compares each file's content hash) and every rule runs.
    """
    root = repository_root(data_dir)
    base = root or Path.cwd()
    config = load_config(data_dir)
    today = today or dt.date.today()
    data_display = display_path(data_dir, base)
    state_file = checkstate.state_path(data_dir, cache_dir)
    key = checkstate.state_key(data_dir, data_display, config, today) if state_file else ()
    again = recheck(data_dir, base, config, today, key, state_file)
    if again is not None:
        found, files_checked = again.findings, again.files_checked
    else:
        from dtscli.base.kb import KnowledgeBase
        from dtscli.cache import open_caches

        caches = open_caches(data_dir, cache_dir)
        kb = KnowledgeBase.load(data_dir, base=root, caches=caches, verify=True, save=False)
        found = whole_base_findings(kb, config, today, base)
        files_checked = len(kb.files)
        kb.remember_positions()
        checkstate.save_whole(kb, found, key, state_file)
    only: set[Path] | None = None
    deleted = False
    if paths:
        only = select_paths(paths)
    if changed_since or staged:
        if root is None:
            option = "--staged" if staged else "--changed-since"
            raise DtsError(
                _("{option} needs the data to be in a git repository").format(option=option)
            )
        changed, deleted = changed_files(root, None if staged else changed_since)
        only = changed if only is None else only & changed
    report = shape(
        found,
        config,
        data_display=data_display,
        files_checked=files_checked,
        base=base,
        only=only,
        keep_references=deleted,
    )
    report.reread = again.reread if again is not None else None
    return report


def run(
    data_dir: Path | None,
    *,
    paths: list[Path],
    fmt: str = "text",
    strict: bool = False,
    changed_since: str | None = None,
    today: str | None = None,
    output: Path | None = None,
    staged: bool = False,
) -> int:
    """Check, write the report (to `output` or standard output); the exit code."""
    check_format(fmt, FORMATS)
    if staged and changed_since:
        raise DtsError(_("choose --staged or --changed-since, not both"))
    folder = find_data_dir(data_dir)
    report = check_base(folder, paths, changed_since, parse_day(today), staged=staged)
    if report.files_checked == 0:
        raise DtsError(
            _(
                "{folder} holds no record file: nothing to check; add schemes "
                "(dts new) or give the right folder with --data-dir"
            ).format(folder=folder)
        )
    if output is not None:
        buffer = io.StringIO()
        write_report(report, fmt, buffer)
        from dtscli.util.files import write_atomically

        write_atomically(output, buffer.getvalue())
        sys.stderr.write(_("wrote {path}").format(path=output) + "\n")
    else:
        write_report(report, fmt, sys.stdout, colour=fmt == "text" and sys.stdout.isatty())
    return report.exit_code(strict)
