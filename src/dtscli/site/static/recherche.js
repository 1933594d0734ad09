/* Recherche dans l'index statique (assets/index-recherche.js) : aucune requête, aucun
   HTML injecté (textContent seulement). Les mots sont comparés sans accents ni majuscules,
   comme `dts list --text`. */
(function () {
  "use strict";
  var data = window.DTS_RECHERCHE || { entries: [], communes: [] };
  var input = document.getElementById("q");
  var out = document.getElementById("resultats");
  var GROUPS = [["démarche", "Démarches"], ["territoire", "Territoires"],
                ["texte", "Textes"], ["document", "Documents"], ["type", "Types de démarches"]];

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[-'\u2019]/g, " ").split(/\s+/).filter(Boolean).join(" ");
  }
  function node(tag, text) {
    var element = document.createElement(tag);
    if (text) { element.textContent = text; }
    return element;
  }
  function link(entry) {
    var a = node("a", entry[1]);
    a.setAttribute("href", entry[2]);
    return a;
  }
  /* every word begins a word of the text, or (as `dts list --text`) the whole query is in it */
  function matches(text, words, needle) {
    var spaced = " " + text;
    return text.indexOf(needle) >= 0 ||
      words.every(function (w) { return spaced.indexOf(" " + w) >= 0; });
  }
  function startsWords(text, words) {
    var spaced = " " + text;
    return words.every(function (w) { return spaced.indexOf(" " + w) >= 0; });
  }
  function section(title, count) {
    var h = node("h2", title + " (" + count + ")");
    out.appendChild(h);
    var list = node("ul");
    out.appendChild(list);
    return list;
  }
  function search(query) {
    out.textContent = "";
    var needle = fold(query);
    if (!needle) { return; }
    var words = needle.split(" ");
    var communes = data.communes.filter(function (c) { return c[3] === needle; });
    var more = data.communes.filter(function (c) { return c[3] !== needle && startsWords(c[3], words); });
    communes = communes.concat(more.slice(0, Math.max(0, 30 - communes.length)));
    var total = communes.length;
    if (communes.length) {
      var list = section("Communes", communes.length);
      communes.forEach(function (c) {
        var item = node("li");
        item.setAttribute("data-commune", c[1]);
        item.appendChild(node("strong", c[0] + " (" + c[1] + ", département " + c[2] + ")"));
        if (!c[4].length) {
          item.appendChild(document.createTextNode("\u00a0: aucune démarche enregistrée."));
        } else {
          item.appendChild(document.createTextNode("\u00a0: "));
          c[4].forEach(function (index, i) {
            if (i) { item.appendChild(document.createTextNode(", ")); }
            item.appendChild(link(data.entries[index]));
          });
          item.appendChild(document.createTextNode("."));
        }
        list.appendChild(item);
      });
    }
    GROUPS.forEach(function (group) {
      var hits = data.entries.filter(function (e) { return e[0] === group[0] && matches(e[3], words, needle); });
      if (!hits.length) { return; }
      total += hits.length;
      var list = section(group[1], hits.length);
      hits.forEach(function (e) {
        var item = node("li");
        item.appendChild(link(e));
        if (e[4]) { item.appendChild(node("span", " (" + e[4] + ")")); }
        list.appendChild(item);
      });
    });
    var summary = node("p", total ? total + " résultat" + (total > 1 ? "s" : "") + " pour « " + query + " »."
                                  : "Aucun résultat pour « " + query + " ».");
    summary.id = "resume-recherche";
    out.insertBefore(summary, out.firstChild);
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  if (input) { input.value = query; }
  search(query);
})();
