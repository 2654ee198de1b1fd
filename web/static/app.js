// Progressive enhancement only: the page works without JavaScript (the facet filter
// boxes then submit to the server). With it, typing in a filter box narrows the list
// at once, including the values behind "show more".
"use strict";
(function () {
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  document.querySelectorAll("form.facet-filter").forEach(function (form) {
    var input = form.querySelector("input[type=search]");
    var section = form.closest(".facet");
    if (!input || !section) return;
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      var details = section.querySelector("details.show-more");
      if (details && wanted) details.open = true;
      section.querySelectorAll("ul.facet-values li").forEach(function (li) {
        var link = li.querySelector("a");
        var words = fold(link ? link.textContent : "").split(/[\s-]+/);
        var match = !wanted || words.some(function (w) { return w.indexOf(wanted) === 0; }) || fold(link.textContent).indexOf(wanted) === 0;
        li.hidden = !match;
      });
    });
  });
})();

// The characteristic words of the search (the words over-represented in its results), fetched after the page
// from /api/words so the results never wait for them. Each word is a link adding it to the query.
(function () {
  var section = document.querySelector("section.words[data-url]");
  if (!section || !window.fetch) return;
  var list = section.querySelector("ol.words-list");
  var status = section.querySelector(".words-status");
  var number = new Intl.NumberFormat(document.documentElement.lang || "fr");
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  function addHref(word) {
    var url = new URL(window.location.href);
    var q = (url.searchParams.get("q") || "").trim();
    if (/(^|\s)(OR|OU)(\s|$)/.test(q)) q = "(" + q + ")";  // the word narrows the whole query, not its last alternative
    url.searchParams.set("q", q ? q + " " + word : word);
    url.searchParams.delete("page");
    return url.pathname + url.search;
  }
  section.hidden = false;
  fetch(section.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(function (data) {
      if (!data.words || !data.words.length) {
        status.textContent = section.dataset.none;
        return;
      }
      status.hidden = true;
      data.words.forEach(function (w) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = addHref(w.word);
        link.textContent = w.word;
        link.title = fill(section.dataset.tip, { count: number.format(w.count), total: number.format(data.total),
                                                 archive: number.format(w.archive_count), score: number.format(Math.round(w.score)) });
        if (w.entity === "person" || w.entity === "organisation") {
          li.className = "named " + w.entity;
          link.title += " · " + section.dataset[w.entity];
        }
        var count = document.createElement("span");
        count.className = "n";
        count.textContent = number.format(w.count);
        li.append(link, " ", count);
        list.append(li);
      });
    })
    .catch(function () { status.textContent = section.dataset.error; });
})();
