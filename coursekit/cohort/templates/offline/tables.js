/* Sortable, filterable tables (tables with the class "sortable"), for pages opened from disk with no network.
   Each column header becomes a button: a click (or Enter/Space) sorts by that column, ascending then descending,
   and the header's aria-sort says which way. A labelled search field above the table hides rows that do not
   contain its text; a live count says how many rows show. Numbers sort as numbers, empty cells last. */
(function () {
  "use strict";
  function key(cell) {
    var text = cell ? cell.textContent.trim() : "";
    if (text === "") { return {empty: true, number: false, value: ""}; }
    var number = Number(text.replace(/\s*%$/, ""));
    if (!isNaN(number)) { return {empty: false, number: true, value: number}; }
    return {empty: false, number: false, value: text.toLocaleLowerCase()};
  }
  function compare(a, b) {
    if (a.empty || b.empty) { return a.empty === b.empty ? 0 : (a.empty ? 1 : -1); }
    if (a.number && b.number) { return a.value - b.value; }
    if (a.number !== b.number) { return a.number ? -1 : 1; }
    return a.value.localeCompare(b.value, undefined, {numeric: true});
  }
  function setup(table, index) {
    var head = table.tHead, body = table.tBodies[0];
    if (!head || !body || !head.rows.length) { return; }
    var caption = table.caption ? table.caption.textContent.trim() : "table " + (index + 1);
    var headers = Array.prototype.slice.call(head.rows[head.rows.length - 1].cells);
    headers.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
          return {row: row, key: key(row.cells[column]), position: position};
        });
        rows.sort(function (a, b) {
          var order = compare(a.key, b.key);
          if (!ascending && !(a.key.empty || b.key.empty)) { order = -order; }
          return order || a.position - b.position;
        });
        var fragment = document.createDocumentFragment();
        rows.forEach(function (item) { fragment.appendChild(item.row); });
        body.appendChild(fragment);
      });
    });
    var box = document.createElement("div");
    box.className = "table-filter";
    var id = "table-filter-" + (index + 1);
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Filter rows of “" + caption + "”";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var count = document.createElement("span");
    count.className = "table-count";
    count.setAttribute("aria-live", "polite");
    var total = body.rows.length;
    count.textContent = total + " of " + total + " rows";
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLocaleLowerCase(), shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var match = !wanted || row.textContent.toLocaleLowerCase().indexOf(wanted) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      count.textContent = shown + " of " + total + " rows";
    });
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(count);
    table.parentNode.insertBefore(box, table);
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), setup);
}());
