// Sorting and filtering for the data tables. Progressive: without this script every row
// is still on the page; with it, a filter box appears above each table and every column
// header becomes a sort button. Sort keys come from each cell's data-sort attribute and
// the column's data-type (integer/number sort as numbers, the rest as text).
"use strict";

(function () {
  function enhance(table) {
    var tbody = table.tBodies[0];
    if (!tbody) return;
    var rows = Array.prototype.slice.call(tbody.rows);

    // Filter: a row stays when it contains every word typed (case-insensitive).
    var box = document.createElement("div");
    box.className = "filter";
    var label = document.createElement("label");
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Filter rows: type words, e.g. putin 2022";
    input.setAttribute("aria-label", "Filter the rows of this table");
    var count = document.createElement("output");
    label.appendChild(input);
    box.appendChild(label);
    box.appendChild(count);
    var wrap = table.parentNode.classList.contains("table-wrap") ? table.parentNode : table;
    wrap.parentNode.insertBefore(box, wrap);
    var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
    function applyFilter() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (r, i) {
        var ok = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
        r.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + " of " + rows.length + " rows";
    }
    input.addEventListener("input", applyFilter);
    applyFilter();

    // Sort: click a header once for ascending, again for descending.
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      var numeric = th.dataset.type === "integer" || th.dataset.type === "number";
      button.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        function key(r) {
          var c = r.cells[col];
          var v = c.hasAttribute("data-sort") ? c.getAttribute("data-sort") : c.textContent;
          return numeric ? (v === "" ? null : Number(v)) : v.toLowerCase();
        }
        var sorted = rows.slice().sort(function (a, b) {
          var x = key(a), y = key(b);
          if (x === y) return 0;
          if (x === null || x === "") return 1; // empty cells last either way
          if (y === null || y === "") return -1;
          return (x < y ? -1 : 1) * dir;
        });
        sorted.forEach(function (r) { tbody.appendChild(r); });
      });
    });
  }

  document.querySelectorAll("table.data").forEach(enhance);
})();
