"""The search page and its static index (the entries every page kind adds, and every
commune with the schemes that cover it)."""

from __future__ import annotations

import json

from dtscli.data.vocab import fold
from dtscli.site.common import SiteBase


class SearchPage(SiteBase):
    """The search page: its index as JSON and as a script (file:// cannot fetch)."""

    def search_page(self) -> None:
        communes = []
        index = {row[2]: i for i, row in enumerate(self.search)}
        for code, commune in self.referential.communes.items():
            covering = [index[f"demarches/{s.id}.html"] for s in self.by_commune.get(code, ())]
            communes.append([commune.name, code, commune.dept or "", fold(commune.name), covering])
        payload = {"entries": self.search, "communes": communes}
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        self.write("assets/index-recherche.json", data)
        # the same index as a script: a page opened from file:// cannot fetch() a file
        self.write(
            "assets/index-recherche.js",
            "window.DTS_RECHERCHE=" + data.replace("</", "<\\/") + ";\n",
        )
        self.page("recherche.html", "search.html.j2", title="Rechercher dans la base")
