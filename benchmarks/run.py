#!/usr/bin/env python3
"""Time dts on a synthetic national base against its anchors, and check the targets.

    python benchmarks/run.py [--schemes 5000] [--runs 7] [--slow-runs 3] [--keep DIR]

Builds the base with synth.py (the real referential plus generated records), then times,
as whole processes, each command and each anchor: `python -c "import typer"` (the floor of
a Typer CLI), check-jsonschema and yamllint on the same files. Quick commands run in
alternation with the typer floor, and the cold check with check-jsonschema, and are
compared pair by pair (the median of the ratios), so that the machine's drift cancels out.
Prints a table of medians and ratios and exits 1 when a target is missed. Needs the `bench`
extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCHEMA_OF = {  # folder glob -> exported JSON Schema
    "schemes/*/*.yaml": "scheme",
    "schemes/*.yaml": "scheme-type",
    "contacts/*.yaml": "contact",
    "legal/*.yaml": "legal",
    "documents/*.yaml": "document",
    "territories/local/*.yaml": "local-territory",
}


@dataclass
class Run:
    seconds: float
    peak_mib: float
    code: int


def run(command: list[str], env: dict[str, str] | None = None) -> Run:
    """One whole process: wall time and peak resident memory (from wait4)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(elapsed, usage.ru_maxrss / 1024, process.returncode)


def median(values: list[float]) -> float:
    return statistics.median(values)


@dataclass
class Row:
    name: str
    median_s: float
    peak_mib: float
    ratio: float | None = None
    ratio_to: str = ""
    target: str = ""
    ok: bool | None = None


def in_turns(
    name: str,
    command: list[str],
    other: list[str],
    other_name: str,
    runs: int,
    env: dict[str, str],
    prepare=None,
) -> tuple[Row, list[Run]]:
    """Run `command` and `other` in turns (`prepare` before each `command`); the ratio is
    the median of the per-pair ratios, so that the machine's drift cancels out."""
    mine, theirs, ratios = [], [], []
    for _ in range(runs):
        if prepare:
            prepare()
        mine.append(run(command, env))
        theirs.append(run(other, env))
        ratios.append(mine[-1].seconds / theirs[-1].seconds)
    row = Row(
        name,
        median([r.seconds for r in mine]),
        max(r.peak_mib for r in mine),
        median(ratios),
        other_name,
    )
    return row, theirs


def paired(
    name: str, command: list[str], floor: list[str], runs: int, env: dict[str, str]
) -> tuple[Row, list[float]]:
    """Alternate command and the typer floor, after a warm-up of each."""
    run(floor, env)
    run(command, env)
    row, floors = in_turns(name, command, floor, "import typer", runs, env)
    return row, [r.seconds for r in floors]


def alone(name: str, command: list[str], runs: int, env: dict[str, str], prepare=None) -> Row:
    times, peaks = [], []
    for _ in range(runs):
        if prepare:
            prepare()
        measured = run(command, env)
        times.append(measured.seconds)
        peaks.append(measured.peak_mib)
    return Row(name, median(times), max(peaks))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemes", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7, help="runs of the quick commands")
    parser.add_argument("--slow-runs", type=int, default=3, help="runs of the cold checks")
    parser.add_argument("--keep", type=Path, help="build the base here and keep it")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="dts-bench-"))
    base = args.keep or work / "base"
    env = {**os.environ, "DTS_CACHE_DIR": str(work / "cache"), "DTS_TODAY": "2026-11-24"}
    env.pop("DTS_NO_CACHE", None)
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/synth.py"), str(base), "--schemes",
         str(args.schemes), "--copy"],
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    count = sum(1 for _ in base.rglob("*.yaml"))
    print(f"base: {base} ({count} YAML files, {args.schemes} schemes)", flush=True)

    # Byte-compile dts as an install does: with PYTHONDONTWRITEBYTECODE set (as on some CI
    # machines), an editable install would otherwise compile every module on every run.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    dts = str(BIN / "dts")
    floor = [sys.executable, "-c", "import typer"]
    rows: list[Row] = []

    fresh = iter(range(1_000_000))

    def clear_cache() -> None:
        """A new, empty cache folder for the next run: what a cold run starts from. The old
        ones are removed at the end, not here: a file system charges the removal of
        thousands of files to the process that creates files next (ext4 mounted with
        `discard`: each file made about ten times slower), the run being timed."""
        env["DTS_CACHE_DIR"] = str(work / f"cache-{next(fresh)}")

    listing = [dts, "list", "--type", "CLSM", "--dept", "06", "--data-dir", str(base)]
    row, floors = paired("dts list --type CLSM --dept 06 (warm)", listing, floor, args.runs, env)
    row.target, row.ok = "<= 1.5x import typer", row.ratio <= 1.5
    rows.append(row)
    for name, command in (("dts --help", [dts, "--help"]), ("dts --version", [dts, "--version"])):
        row, _ = paired(name, command, floor, args.runs, env)
        row.target, row.ok = "<= 1.5x import typer", row.ratio <= 1.5
        rows.append(row)
    rows.insert(0, Row("python -c 'import typer' (floor)", median(floors), 0.0))
    nice = [dts, "list", "--territory", "Nice", "--data-dir", str(base)]
    row, _ = paired("dts list --territory Nice (warm)", nice, floor, args.runs, env)
    rows.append(row)  # no target: the place is resolved on the referential first

    check = [dts, "check", "--data-dir", str(base)]
    schemas = ROOT / "src" / "dtscli" / "schemas"
    checker = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    if checker and all((schemas / f"{kind}.schema.json").exists() for kind in SCHEMA_OF.values()):
        # one call per record kind, all of them run (`;`: some files are invalid on purpose)
        script = " ; ".join(
            f"{checker} --schemafile {schemas / f'{kind}.schema.json'} {base}/{pattern} >/dev/null"
            for pattern, kind in SCHEMA_OF.items()
        )
        cold, anchors = in_turns(
            "dts check (cold, no cache)",
            check,
            ["sh", "-c", script],
            "check-jsonschema",
            args.slow_runs,
            env,
            prepare=clear_cache,
        )
        anchor = Row(
            "check-jsonschema (same files)",
            median([r.seconds for r in anchors]),
            max(r.peak_mib for r in anchors),
        )
        cold.target, cold.ok = "< check-jsonschema", cold.ratio < 1.0
        rows += [cold, anchor]
    else:
        print("check-jsonschema or the exported schemas are missing: install '.[bench]'")
        cold = alone("dts check (cold, no cache)", check, args.slow_runs, env, prepare=clear_cache)
        cold.target, cold.ok = "< check-jsonschema", False
        rows.append(cold)
    yamllint = shutil.which("yamllint", path=str(BIN)) or shutil.which("yamllint")
    if yamllint:
        rows.append(
            alone(
                "yamllint (same files, anchor)",
                ["sh", "-c", f"{yamllint} -d relaxed {base}/schemes {base}/contacts >/dev/null"],
                args.slow_runs,
                env,
            )
        )

    subprocess.run(check, env=env, stdout=subprocess.DEVNULL, check=False)  # fill the cache
    # A CLS record. Every scheme file counts for `dts list` (a record may be filed in another
    # type's folder, and any broken file fails the list), so after an edit the list brings
    # its index up to date once: `prepare` runs it, and the list of the turn is warm.
    victim = base / "schemes/cls" / sorted(os.listdir(base / "schemes/cls"))[0]
    original = victim.read_text(encoding="utf-8")
    flips = iter(range(10_000))

    def with_line(key: str, value: str) -> str:
        """The victim's text with a new value for its top-level `key`."""
        lines = original.splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{key}: "))
        lines[at] = f"{key}: {value}\n"
        return "".join(lines)

    name = next(line for line in original.splitlines() if line.startswith("name: "))[6:]

    def refresh_the_list() -> None:
        subprocess.run(listing, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def change_one_file() -> None:
        """An everyday edit: a new value for the scheme's name."""
        victim.write_text(with_line("name", f"{name} (édition {next(flips)})"), encoding="utf-8")
        refresh_the_list()

    warm, _ = in_turns(
        "dts check (warm, one file changed)",
        check,
        listing,
        "warm list",
        args.runs,
        env,
        prepare=change_one_file,
    )
    warm.target, warm.ok = "<= 2x warm list", warm.ratio <= 2.0
    rows.append(warm)
    victim.write_text(original, encoding="utf-8")
    subprocess.run(check, env=env, stdout=subprocess.DEVNULL, check=False)
    newcomer = victim.with_name("cls-bench-newcomer.yaml")

    def add_one_file() -> None:
        """A new record: other files may now resolve to it, so the whole base is checked."""
        newcomer.unlink(missing_ok=True)
        subprocess.run(check, env=env, stdout=subprocess.DEVNULL, check=False)
        newcomer.write_text(with_line("id", newcomer.stem), encoding="utf-8")
        refresh_the_list()

    added, _ = in_turns(
        "dts check (warm, one file added)",
        check,
        listing,
        "warm list",
        args.slow_runs,
        env,
        prepare=add_one_file,
    )
    rows.append(added)
    newcomer.unlink(missing_ok=True)

    clsm = base / "schemes/clsm" / sorted(os.listdir(base / "schemes/clsm"))[0]
    clsm_text = clsm.read_text(encoding="utf-8")

    def edit_a_clsm() -> None:
        """An edit in the folder `list --type CLSM` reads: its index is refreshed."""
        clsm.write_text(clsm_text.replace("name: ", f"name: {next(flips)} ", 1), encoding="utf-8")

    refreshed, _ = in_turns(
        "dts list, one CLSM edited since",
        listing,
        listing,
        "warm list",
        args.runs,
        env,
        prepare=edit_a_clsm,
    )
    rows.append(refreshed)
    clsm.write_text(clsm_text, encoding="utf-8")

    # The website, cold (no record cache), in turns with the cold check of the same base.
    # Each run writes into a new folder (see clear_cache: nothing is removed while timing).
    mine, theirs, ratios = [], [], []
    for turn in range(args.slow_runs):
        site_out = work / f"site-{turn}"
        site = [dts, "site", "--data-dir", str(base), "-o", str(site_out)]
        clear_cache()
        mine.append(run(site, env))
        clear_cache()
        theirs.append(run(check, env))
        ratios.append(mine[-1].seconds / theirs[-1].seconds)
    pages = sum(1 for _ in site_out.rglob("*.html"))
    size = sum(p.stat().st_size for p in site_out.rglob("*") if p.is_file()) / 2**20
    website = Row(
        f"dts site (cold; {pages} pages, {size:.0f} MiB)",
        median([r.seconds for r in mine]),
        max(r.peak_mib for r in mine),
        median(ratios),
        "cold check",
    )
    website.target, website.ok = "<= 3x cold check", website.ratio <= 3.0
    rows.append(website)
    site_memory = Row("dts site peak memory", 0.0, website.peak_mib)
    site_memory.target, site_memory.ok = "< 400 MiB", website.peak_mib < 400
    rows.append(site_memory)
    cold.peak_mib = max(cold.peak_mib, warm.peak_mib)
    memory = Row("dts check peak memory (cold and warm)", 0.0, cold.peak_mib)
    memory.target, memory.ok = "< 400 MiB", cold.peak_mib < 400
    rows.append(memory)

    print(
        f"{'measure':<46} {'median s':>9} {'peak MiB':>9} {'ratio':>6} {'(in turns with)':<17}"
        f"{'target':<22} ok"
    )
    for row in rows:
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else ""
        ok = "" if row.ok is None else ("yes" if row.ok else "NO")
        print(
            f"{row.name:<46} {row.median_s:>9.3f} {row.peak_mib:>9.1f} {ratio:>6} "
            f"{row.ratio_to:<17}{row.target:<22} {ok}"
        )
    shutil.rmtree(work, ignore_errors=True)  # caches and sites (a kept base is elsewhere)
    missed = [row.name for row in rows if row.ok is False]
    if missed:
        print("missed: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
