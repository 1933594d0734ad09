"""Jinja environments for the fact sheets, and the French formatting they print with.

Every template, shipped or a user's, runs in Jinja's `SandboxedEnvironment` with
`StrictUndefined`: a template that names a variable the context lacks stops with the
template's file, line and the variable, never prints an empty string. A `None` printed as
is stops too (test it with `{% if %}` first), and so do a list or a mapping printed as is.

Markdown output escapes record text (`finalize`), so that a name with `|`, `*`, `<` or a
newline cannot break a table or inject HTML; filters that build Markdown on purpose (links,
citations) return `Markup`, which is printed untouched. The HTML page is the Markdown body
converted by markdown-it (raw HTML disabled) inside `page.html.j2`, rendered with autoescape.

French typography, applied to the whole Markdown text after rendering: U+00A0 NO-BREAK SPACE
before « : ; ? ! » and % and inside « guillemets », and after « n° »; U+202F NARROW NO-BREAK
SPACE as the thousands separator (« 5 218 960 »).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from dtscli.base.french import (  # noqa: F401  (the sheets' filters; re-exported)
    FAMILY_LABELS,
    NBSP,
    NNBSP,
    SHEET_LANGUAGE,
    family_label,
    fr_date,
    fr_join,
    fr_number,
    fr_percent,
    status_label,
)
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _

TEMPLATE_ENV = "DTS_TEMPLATES"

_SPACES = "[ \t" + NBSP + NNBSP + "]"
_SPACE_BEFORE = re.compile(_SPACES + "+([:;?!%])")
_BEFORE_CLOSING = re.compile(_SPACES + "*»")
_AFTER_OPENING = re.compile("«" + _SPACES + "*")
_NUMERO = re.compile(r"\b([Nn]°) +")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def french_typography(text: str) -> str:
    """No-break spaces where French typography wants them (see the module docstring).

    Markdown table rules (`| --- | :-: |`) and fenced code blocks are left alone."""
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if fenced or line.lstrip().startswith(("```", "~~~")) or _TABLE_RULE.match(line):
            out.append(line)
            continue
        line = _SPACE_BEFORE.sub(NBSP + r"\1", line)
        line = _BEFORE_CLOSING.sub(NBSP + "»", line)
        line = _AFTER_OPENING.sub("«" + NBSP, line)
        out.append(_NUMERO.sub(r"\1" + NBSP, line))
    return "\n".join(out)


# ---------------------------------------------------------------- Markdown safety

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"^(\d{1,9}[.)]|[#+=-])(?=[ \t]|$)")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


def md_text(value: str) -> str:
    """Record text made inert in Markdown: one line, no markup, no HTML, no table break."""
    text = _NEWLINES.sub(" ", str(value)).strip()
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    return _MD_LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)


_URL_UNSAFE = {" ": "%20", "<": "%3C", ">": "%3E", "(": "%28", ")": "%29", "\\": "%5C", "|": "%7C"}


def md_url(url: str | None) -> Markup:
    """An autolink `<https://…>`: shown in full on paper, clickable on screen."""
    if not url or not re.match(r"^https?://", str(url)):
        raise ValueError(_("not a web address: {url!r}").format(url=url))
    safe = "".join(_URL_UNSAFE.get(ch, ch) for ch in str(url).strip())
    return Markup(f"<{safe}>")


_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def md_file(name: str | None) -> Markup:
    """A relative file name as a Markdown link destination (a map beside the sheet)."""
    if not name or "/" in name or name.startswith(".") or ":" in name:
        raise ValueError(f"not a file name beside the sheet: {name!r}")
    return Markup("".join(_URL_UNSAFE.get(ch, ch) for ch in name))


def md_email(email: str | None) -> Markup | str:
    """An e-mail autolink when the address is well formed, plain escaped text otherwise."""
    if not email:
        raise ValueError(_("no e-mail address (None)"))
    if _EMAIL.match(email):
        return Markup(f"<{email}>")
    return md_text(email)


def citations(numbers: Iterable[int], space: bool = True) -> Markup:
    """Note calls pointing into the « Sources » list: « [1, 3] », after a no-break space
    (`space=False` in a table cell, where no call prints « — »)."""
    found = sorted(set(numbers))
    if not found:
        return Markup("" if space else "—")
    calls = "[" + ", ".join(str(n) for n in found) + "]"
    return Markup(NBSP + calls if space else calls)


def tidy_markdown(text: str) -> str:
    """No trailing spaces, no run of blank lines, exactly one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- environments


class MissingValue(jinja2.TemplateRuntimeError):
    """A template printed None, a list or a mapping as is: data is missing or misused."""


def _finalizer(escape: Callable[[str], Any]) -> Callable[..., Any]:
    # pass_eval_context keeps Jinja from folding `{{ "l'ARS" }}` at compile time, where
    # autoescape would HTML-escape it (`l&#39;ARS`) before `escape` could see it.
    @jinja2.pass_eval_context
    def finalize(eval_ctx: jinja2.nodes.EvalContext, value: Any) -> Any:
        if isinstance(value, Markup):
            return value
        if value is None:
            raise MissingValue(_("a value printed by the template is empty (None); test it first"))
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, dt.date):
            return fr_date(value)
        if isinstance(value, list | tuple | dict | set):
            raise MissingValue(
                _("a {kind} cannot be printed as is; loop over it or join it").format(
                    kind=type(value).__name__
                )
            )
        if isinstance(value, str):
            return escape(value)
        return value

    return finalize


def _markdown_escape(text: str) -> Markup:
    return Markup(md_text(text))


def end_stop(text: str | None) -> str:
    """The full stop a phrase still needs: '' when it ends with . ! ? or …, '.' otherwise."""
    return "" if str(text or "").rstrip().endswith((".", "!", "?", "…")) else "."


def html_url(url: str | None) -> Markup:
    md_url(url)  # the same checks
    return Markup('<a href="{0}">{0}</a>').format(str(url).strip())


def html_email(email: str | None) -> Markup | str:
    if not email:
        raise ValueError(_("no e-mail address (None)"))
    if _EMAIL.match(email):
        return Markup('<a href="mailto:{0}">{0}</a>').format(email)
    return email


HTML_FILTERS: dict[str, Callable[..., Any]] = {
    "md": str,  # autoescape does the escaping in HTML
    "lien": html_url,
    "courriel": html_email,
}

FILTERS: dict[str, Callable[..., Any]] = {
    "date_fr": fr_date,
    "nombre": fr_number,
    "pourcentage": fr_percent,
    "statut": status_label,
    "famille": family_label,
    "liste_fr": fr_join,
    "lien": md_url,
    "fichier": md_file,
    "courriel": md_email,
    "notes": citations,
    "md": _markdown_escape,
    "fin": end_stop,
}


def shipped_template_dirs(data_dir: Path | None) -> list[Path]:
    """Where the shipped templates are: $DTS_TEMPLATES, the data repository's `templates/`,
    then the `templates/` of the repository dts was installed from (editable install)."""
    candidates: list[Path] = []
    if os.environ.get(TEMPLATE_ENV):
        candidates.append(Path(os.environ[TEMPLATE_ENV]))
    if data_dir is not None:
        candidates.append(data_dir.resolve().parent / "templates")
    candidates.append(Path(__file__).resolve().parent / "templates")
    found: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and folder not in found:
            found.append(folder)
    return found


MAX_BUILT = 10_000_000  # characters or items a template may build with `*`
MAX_EXPONENT = 10_000


class LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox, which keeps a template from the system, plus limits on what it may
    build: `'x' * 10**10` or `9 ** 9 ** 9` is refused before it eats the memory or the CPU
    (range() is already bounded by Jinja; recursion ends in render_template)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                sized = isinstance(sequence, str | list | tuple)
                if sized and isinstance(count, int) and len(sequence) * count > MAX_BUILT:
                    raise SecurityError(
                        _("a text or list of more than {limit} items is too big to build").format(
                            limit=MAX_BUILT
                        )
                    )
        numbers = isinstance(left, int | float) and isinstance(right, int | float)
        if operator == "**" and numbers and abs(right) > MAX_EXPONENT and abs(left) > 1:
            raise SecurityError(
                _("an exponent over {limit} is too big to compute").format(limit=MAX_EXPONENT)
            )
        return super().call_binop(context, operator, left, right)


def make_environment(search_path: list[Path], *, html: bool = False) -> SandboxedEnvironment:
    """A sandboxed environment, autoescaping in both modes so that macro output (Markup)
    is trusted and record text is not: HTML-escaped in `html` mode, Markdown-escaped by
    `finalize` otherwise (its Markup result then passes the HTML escape untouched)."""
    env = LimitedSandbox(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalizer(str if html else _markdown_escape),
    )
    env.filters.update(FILTERS)
    if html:
        env.filters.update(HTML_FILTERS)
    return env


# ---------------------------------------------------------------- errors


def _template_location(error: BaseException) -> tuple[str | None, int | None]:
    """The innermost template frame of an error (Jinja rewrites tracebacks to point there)."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return error.filename or error.name, error.lineno
    where: tuple[str | None, int | None] = (None, None)
    tb: TracebackType | None = error.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return where


def _display(path: str | None) -> str:
    if not path:
        return _("template")
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def template_error(error: BaseException) -> DtsError:
    """One line: where in which template, and what went wrong."""
    filename, line = _template_location(error)
    place = _display(filename) + (_(", line {line}").format(line=line) if line else "")
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, jinja2.UndefinedError):
        if "unsafe" in message:
            what = _("refused by the template sandbox: {problem}").format(problem=message)
        else:
            what = _("undefined variable: {problem}").format(problem=message)
    elif isinstance(error, SecurityError):
        what = _("refused by the template sandbox: {problem}").format(problem=message)
    elif isinstance(error, jinja2.TemplateSyntaxError):
        what = _("template syntax error: {problem}").format(problem=message)
    elif isinstance(error, MissingValue):
        what = _("missing data: {problem}").format(problem=message)
    elif isinstance(error, RecursionError):
        what = _("the template calls a macro or includes itself without end (recursion)")
    elif isinstance(error, MemoryError):
        what = _("the template builds something too big for the memory")
    else:
        what = f"{type(error).__name__}: {message}"
    return DtsError(f"{place}: {what}")


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render `name` with `context`; any template problem becomes a one-line DtsError."""
    try:
        template = env.get_template(name)
        return template.render(context)
    except jinja2.TemplateNotFound as error:
        raise DtsError(
            _("template {name!r} not found (searched {folders})").format(
                name=error.name, folders=_search(env)
            )
        ) from None
    except DtsError:
        raise
    except (
        jinja2.TemplateError,
        ArithmeticError,
        AttributeError,
        LookupError,
        TypeError,
        ValueError,
        RecursionError,
        MemoryError,
    ) as error:
        raise template_error(error) from None


def _search(env: jinja2.Environment) -> str:
    loader = env.loader
    paths = getattr(loader, "searchpath", None) or []
    return ", ".join(_display(p) for p in paths) or _("nowhere")


# ---------------------------------------------------------------- whole documents


def markdown_document(text: str) -> str:
    """The final Markdown: French typography, then tidy whitespace."""
    return tidy_markdown(french_typography(text))


def markdown_to_html(text: str) -> Markup:
    """The Markdown body as HTML; raw HTML in the text is shown as text, never run."""
    from markdown_it import MarkdownIt

    converter = MarkdownIt("commonmark", {"html": False}).enable("table")
    return Markup(converter.render(text))


# ---------------------------------------------------------------- a sheet, end to end

SHEET_TEMPLATES = {"type": "type.md.j2", "scheme": "scheme.md.j2", "territory": "territory.md.j2"}
PAGE_TEMPLATE = "page.html.j2"
FORMATS = ("md", "html", "pdf", "json")
HTML_SUFFIXES = (".html", ".htm", ".html.j2", ".htm.j2", ".html.jinja", ".htm.jinja")


def output_format(fmt: str | None, output: Path | None) -> str:
    """--format, else guessed from -o's suffix (.html, .json), else Markdown."""
    if fmt is None:
        suffix = output.suffix.lower() if output else ""
        return {".html": "html", ".htm": "html", ".json": "json", ".pdf": "pdf"}.get(suffix, "md")
    if fmt not in FORMATS:
        raise DtsError(
            _("unknown format {fmt!r}; choose one of: {formats}").format(
                fmt=fmt, formats=", ".join(FORMATS)
            )
        )
    return fmt


def _shipped(data_dir: Path | None) -> list[Path]:
    found = shipped_template_dirs(data_dir)
    if not found:
        raise DtsError(
            _(
                "the shipped sheet templates were not found (templates/ beside the data folder or "
                "in the dts repository, or ${variable}); install dts from its repository with "
                "`pip install -e .`, or pass --template"
            ).format(variable=TEMPLATE_ENV)
        )
    return found


def render_sheet(
    context: dict[str, Any],
    fmt: str = "md",
    *,
    data_dir: Path | None = None,
    template: Path | None = None,
    map_svg: str | None = None,
) -> str:
    """A sheet as Markdown, a standalone HTML page (with `map_svg` inline, the map drawn
    for `context["map"]`), or its context as JSON. (PDF: the HTML page, see `sheet_pdf`.)"""
    if fmt == "json":
        from dtscli.util.output import dump_json

        buffer = io.StringIO()
        dump_json(context, buffer)
        return buffer.getvalue()
    if template is not None:
        if not template.is_file():
            raise DtsError(_("template {path} does not exist").format(path=template))
        search = [template.resolve().parent, *shipped_template_dirs(data_dir)]
        name = template.name
        if name.lower().endswith(HTML_SUFFIXES):
            page = render_template(make_environment(search, html=True), name, context)
            return page.rstrip("\n") + "\n"
    else:
        search = _shipped(data_dir)
        name = SHEET_TEMPLATES[context["sheet_kind"]]
    token = None
    if fmt != "md" and map_svg and context.get("map"):
        # a paragraph of its own that no record text can forge, replaced by the map
        token = "DTS-CARTE-" + uuid.uuid4().hex
        context = {**context, "map": {**context["map"], "inline": token}}
    markdown = markdown_document(render_template(make_environment(search), name, context))
    if fmt == "md":
        return markdown
    body = str(markdown_to_html(markdown))
    if token is not None and map_svg is not None:
        figure = f'<figure class="carte">\n{map_svg.strip()}\n</figure>'
        body = body.replace(f"<p>{token}</p>", figure, 1)
    page_env = make_environment(_shipped(data_dir), html=True)
    page = render_template(
        page_env,
        PAGE_TEMPLATE,
        {
            "title": context["title"],
            "body": Markup(body),
            "generated_on": context["generated_on"],
        },
    )
    return page.rstrip("\n") + "\n"
