"""Where the knowledge base is: importable without the heavy modules."""

from __future__ import annotations

import os
from pathlib import Path

from dtscli.util.errors import DtsError
from dtscli.util.i18n import _

ENV_DATA = "DTS_DATA"


def find_data_dir(explicit: Path | None = None, start: Path | None = None) -> Path:
    """--data-dir, then $DTS_DATA, then the first `data/` with a `schemes/` folder upwards;
    a folder without `schemes/` is no base (an empty one would check clean)."""
    chosen = explicit or (Path(os.environ[ENV_DATA]) if os.environ.get(ENV_DATA) else None)
    if chosen is not None:
        if not chosen.is_dir():
            raise DtsError(
                _("data directory {folder} does not exist (from --data-dir or {variable})").format(
                    folder=chosen, variable=ENV_DATA
                )
            )
        if not (chosen / "schemes").is_dir():
            raise DtsError(
                _(
                    "{folder} is not a dts knowledge base: it has no schemes/ folder; "
                    "give the folder that holds schemes/ and territories/, "
                    "or create a base with dts init"
                ).format(folder=chosen)
            )
        return chosen
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "schemes").is_dir() and (folder / "territories").is_dir():
            return folder
        if (folder / "data" / "schemes").is_dir():
            return folder / "data"
    raise DtsError(
        _(
            "no knowledge base found here or in any parent folder; "
            "run dts inside a dts repository, or pass --data-dir (or set {variable})"
        ).format(variable=ENV_DATA)
    )
