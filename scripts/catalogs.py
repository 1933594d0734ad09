#!/usr/bin/env python3
"""The translation catalogs of dts, with Babel: extract, update, compile, check.

    python scripts/catalogs.py extract   # src/dtscli -> src/dtscli/locale/dts.pot
    python scripts/catalogs.py update    # dts.pot -> locale/<lang>/LC_MESSAGES/dts.po
    python scripts/catalogs.py compile   # dts.po -> dts.mo (what dts reads)
    python scripts/catalogs.py check     # exit 1 when one of the three is out of date
    python scripts/catalogs.py           # extract, update, compile

The messages are English in the code, wrapped in `_()` and friends (util/i18n.py); a
translator edits the `.po` (every message translated, none fuzzy), then runs `compile`.
The `.pot`, the `.po` and the `.mo` are committed and shipped in the wheel (package data).
Catalogs are written sorted by message, with file names but no line numbers, so that code
moving between modules does not rewrite them. Needs Babel (a dependency of dts).
"""

from __future__ import annotations

import io
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "dtscli"
LOCALE = PACKAGE / "locale"
DOMAIN = "dts"
LANGUAGES = ("fr",)  # English is the text of the messages: no catalog
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "counted": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NP_": ((1, "c"), 2),
}
# gettext's two forms (0 and 1 singular), not CLDR's three: the third (« 1 million de
# fichiers ») is never needed for the counts dts prints.
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);"}
WRITE_OPTIONS = {"width": 100, "sort_output": True, "include_lineno": False}


def shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def template_path() -> Path:
    return LOCALE / f"{DOMAIN}.pot"


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def extracted() -> Catalog:
    """Every marked message of the package, as a template catalog."""
    from dtscli import __version__

    catalog = Catalog(
        project="dts", version=__version__, copyright_holder="the dts authors", charset="utf-8"
    )
    found = extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        where = (f"src/dtscli/{filename}", lineno)
        catalog.add(message, None, [where], auto_comments=comments, context=context)
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, **WRITE_OPTIONS)
    return buffer.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def without_dates(text: bytes) -> bytes:
    """A catalog without the header lines that change on every run."""
    dated = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')
    return b"\n".join(line for line in text.splitlines() if not line.startswith(dated))


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def keys(catalog: Catalog) -> set[tuple[str | tuple[str, ...], str | None]]:
    return {(message.id, message.context) for message in catalog if message.id}


def write_if_changed(path: Path, data: bytes, compare=lambda b: b) -> bool:
    if path.exists() and compare(path.read_bytes()) == compare(data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def extract() -> None:
    changed = write_if_changed(template_path(), po_bytes(extracted()), without_dates)
    print(f"{'wrote' if changed else 'unchanged'} {shown(template_path())}")


def update() -> None:
    template = read(template_path())
    for lang in LANGUAGES:
        path = po_path(lang)
        if path.exists():
            catalog = read(path, lang)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()  # git keeps the history of removed messages
        else:
            catalog = Catalog(
                locale=lang,
                project="dts",
                version=template.version,
                copyright_holder="the dts authors",
                language_team=f"dts <{lang}>",
                fuzzy=False,
                charset="utf-8",
            )
            catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[lang])]
            catalog.update(template)
        changed = write_if_changed(path, po_bytes(catalog), without_dates)
        print(f"{'wrote' if changed else 'unchanged'} {shown(path)}")


def compile_catalogs() -> None:
    for lang in LANGUAGES:
        changed = write_if_changed(mo_path(lang), mo_bytes(read(po_path(lang), lang)))
        print(f"{'wrote' if changed else 'unchanged'} {shown(mo_path(lang))}")


def fields(text: str) -> list[str]:
    """The `{name}` fields of a message (str.format), in order."""
    try:
        return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)
    except ValueError as error:
        return [f"<unparsable: {error}>"]


def problems() -> list[str]:
    """What is out of date or wrong in the catalogs (empty: all is well)."""
    found: list[str] = []
    template = extracted()
    if not template_path().exists():
        return [f"{shown(template_path())} is missing: run `extract`"]
    if keys(read(template_path())) != keys(template):
        found.append(f"{shown(template_path())} is out of date: run `extract`")
    for lang in LANGUAGES:
        catalog = read(po_path(lang), lang)
        where = shown(po_path(lang))
        for message in template:
            if not message.id:
                continue
            translated = catalog.get(message.id, message.context)
            label = f"{where}: {message.id!r}" + (
                f" ({message.context})" if message.context else ""
            )
            if translated is None:
                found.append(f"{label} is missing: run `update`, then translate it")
            elif translated.fuzzy or not all(translated.string or [""]):
                found.append(f"{label} has no French (or a fuzzy one)")
            else:
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = translated.string
                strings = strings if isinstance(strings, tuple) else (strings,)
                expected = fields(ids[-1])
                for text in strings:
                    if fields(text) != expected and fields(text) != fields(ids[0]):
                        found.append(f"{label}: the fields of {text!r} differ from the English")
        if not mo_path(lang).exists() or mo_path(lang).read_bytes() != mo_bytes(catalog):
            found.append(f"{shown(mo_path(lang))} is older than its .po: run `compile`")
    return found


def main(argv: list[str]) -> int:
    steps = {"extract": extract, "update": update, "compile": compile_catalogs}
    if argv == ["check"]:
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    for step in argv or list(steps):
        if step not in steps:
            print(f"unknown step {step!r}: extract, update, compile or check", file=sys.stderr)
            return 2
        steps[step]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
