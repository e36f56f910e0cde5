// Search over the index in search-index.js (loaded just before): English and Chinese labels,
// aliases and pinyin, folded as the site folds them when writing (no accents or case, letters,
// digits and Han characters only). Results are built with textContent and hrefs made from ids,
// so nothing from the data is read as markup or as a URL scheme.
(function () {
  "use strict";
  var state = { ready: false, results: [] };
  window.alignkg = state;
  var index = window.alignkgSearch || { classes: [], entries: [] };
  var drop = /[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+/g;
  function fold(text) {
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(drop, "");
  }
  var folded = index.entries.map(function (e) {
    return [fold(e[2]), fold(e[3]), e[4] ? e[4].split("|").map(fold) : [], e[5] ? e[5].split("|") : [], fold(e[1])];
  });
  var SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
  function href(entry) {
    if (!SAFE_ID.test(entry[1])) { return null; }
    return (entry[0] === 1 ? "source/" : "entity/") + entry[1] + ".html";
  }
  // 0: a name equals the text, 1: a name starts with it, 2: a name contains it; names are the
  // labels, aliases, pinyin and id.
  function rank(f, wanted) {
    var names = [f[0], f[1], f[4]].concat(f[2], f[3]), best = 3;
    for (var i = 0; i < names.length; i++) {
      var n = names[i];
      if (!n) { continue; }
      if (n === wanted) { return 0; }
      var at = n.indexOf(wanted);
      if (at === 0) { best = Math.min(best, 1); } else if (at > 0) { best = Math.min(best, 2); }
    }
    return best;
  }
  function search(text) {
    var wanted = fold(text), found = [];
    if (!wanted) { return found; }
    for (var i = 0; i < index.entries.length; i++) {
      var r = rank(folded[i], wanted);
      if (r < 3) { found.push([r, index.entries[i][2], i]); }
    }
    found.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2]); });
    return found.map(function (f) { return index.entries[f[2]]; });
  }
  var box = document.getElementById("q"), list = document.getElementById("results");
  var status = document.getElementById("search-status");
  var LIMIT = 100;
  function show(text) {
    var found = search(text);
    state.results = found.slice(0, LIMIT).map(function (e) { return (e[0] === 1 ? "aksrc:" : "akid:") + e[1]; });
    list.replaceChildren();
    found.slice(0, LIMIT).forEach(function (e) {
      var li = document.createElement("li"), link = href(e);
      var a = document.createElement(link ? "a" : "span");
      if (link) { a.href = link; }
      a.textContent = e[2];
      li.appendChild(a);
      if (e[3]) {
        var zh = document.createElement("span");
        zh.className = "zh"; zh.lang = "zh"; zh.textContent = " " + e[3];
        li.appendChild(zh);
      }
      var meta = document.createElement("span");
      meta.className = "kind";
      meta.textContent = " · " + (index.classes[e[6]] || "") + (e[4] ? " · also " + e[4].split("|").join(", ") : "");
      li.appendChild(meta);
      list.appendChild(li);
    });
    if (!fold(text)) { status.textContent = index.entries.length + " entities and sources to search."; }
    else if (!found.length) { status.textContent = "Nothing matches."; }
    else {
      status.textContent = found.length + " match" + (found.length === 1 ? "" : "es") +
        (found.length > LIMIT ? "; the first " + LIMIT + " are shown." : ".");
    }
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  box.value = query;
  show(query);
  box.addEventListener("input", function () { show(box.value); });
  document.getElementById("search-page").addEventListener("submit", function (event) {
    event.preventDefault();
    show(box.value);
  });
  state.ready = true;
})();
