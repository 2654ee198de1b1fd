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
