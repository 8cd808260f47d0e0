/* Sortable, filterable, paged tables (tables with the class "sortable"), for pages opened from disk with no network.
   Every row of such a table is in the JSON of the script element right after it (script.table-rows:
   {"rows": [[cell text, ...], ...], "links": {column: "page.html#{}"}}); its body holds the first page only, so a
   page of thousands of learners stays small and quick. Each column header becomes a button: a click (or
   Enter/Space) sorts every row by that column, ascending then descending, and the header's aria-sort says which
   way. A labelled search field above the table keeps the rows that contain its text, with a live count; buttons
   below it page through the rows (50 at a time), and aria-rowcount/aria-rowindex tell screen readers where a
   row stands. Numbers sort as numbers, empty cells last. window.coursekitTables.setRows(table, rows) replaces
   a table's rows (the learner page shows another learner). */
(function () {
  "use strict";
  var PAGE = 50;
  function key(text) {
    text = String(text).trim();
    if (text === "") { return {empty: true, number: false, value: ""}; }
    var number = Number(text.replace(/\s*%$/, ""));
    if (!isNaN(number)) { return {empty: false, number: true, value: number}; }
    return {empty: false, number: false, value: text.toLocaleLowerCase()};
  }
  var collator = new Intl.Collator(undefined, {numeric: true});
  function compare(a, b) {
    if (a.empty || b.empty) { return a.empty === b.empty ? 0 : (a.empty ? 1 : -1); }
    if (a.number && b.number) { return a.value - b.value; }
    if (a.number !== b.number) { return a.number ? -1 : 1; }
    return collator.compare(a.value, b.value);
  }
  function element(name, className, text) {
    var made = document.createElement(name);
    if (className) { made.className = className; }
    if (text !== undefined) { made.textContent = text; }
    return made;
  }
  function rowsOf(table) {  // the embedded rows, else the ones in the body (a table written without them)
    var next = table.nextElementSibling;
    if (next && next.matches("script.table-rows")) { return JSON.parse(next.textContent); }
    return {rows: Array.prototype.map.call(table.tBodies[0].rows, function (row) {
      return Array.prototype.map.call(row.cells, function (cell) { return cell.textContent; });
    }), links: {}};
  }
  function setup(table, index) {
    var head = table.tHead, body = table.tBodies[0];
    if (!head || !body || !head.rows.length) { return; }
    var caption = table.caption ? table.caption.textContent.trim() : "table " + (index + 1);
    var headers = Array.prototype.slice.call(head.rows[head.rows.length - 1].cells);
    var align = headers.map(function (th) { return th.classList.contains("num") ? "num" : (th.classList.contains("long") ? "long" : ""); });
    var data = rowsOf(table), links = data.links || {};
    var rows = [], keys = [], texts = [], order = [], shown = [], page = 0, sorted = null, ascending = true;
    var wanted = "";
    function load(newRows) {
      rows = newRows;
      keys = [];
      texts = [];
      order = rows.map(function (_, position) { return position; });
      if (sorted !== null) { sortBy(sorted, ascending); }
      refilter();
    }
    function keysOf(column) {
      if (!keys[column]) { keys[column] = rows.map(function (row) { return key(row[column] === undefined ? "" : row[column]); }); }
      return keys[column];
    }
    function textOf(position) {
      if (texts[position] === undefined) { texts[position] = rows[position].join("\n").toLocaleLowerCase(); }
      return texts[position];
    }
    function sortBy(column, up) {
      var columnKeys = keysOf(column);
      order = rows.map(function (_, position) { return position; });
      order.sort(function (a, b) {
        var x = columnKeys[a], y = columnKeys[b], result = compare(x, y);
        if (!up && !(x.empty || y.empty)) { result = -result; }
        return result || a - b;
      });
    }
    function refilter() {
      shown = wanted ? order.filter(function (position) { return textOf(position).indexOf(wanted) !== -1; }) : order.slice();
      page = 0;
      render();
    }
    function cell(row, column) {
      var td = document.createElement("td");
      if (align[column]) { td.className = align[column]; }
      var text = row[column] === undefined || row[column] === null ? "" : String(row[column]);
      if (links[column] && text !== "") {
        var link = element("a", "", text);
        link.href = links[column].replace("{}", encodeURIComponent(text));
        td.appendChild(link);
      } else {
        td.textContent = text;
      }
      return td;
    }
    var pager = element("div", "table-pages"), previous = element("button", "page-button", "Previous page"),
        next = element("button", "page-button", "Next page"), where = element("span", "page-status");
    previous.type = next.type = "button";
    where.setAttribute("aria-live", "polite");
    pager.setAttribute("role", "group");
    pager.setAttribute("aria-label", "Pages of “" + caption + "”");
    function render() {
      var pages = Math.max(1, Math.ceil(shown.length / PAGE));
      page = Math.min(page, pages - 1);
      var first = page * PAGE, fragment = document.createDocumentFragment();
      shown.slice(first, first + PAGE).forEach(function (position, offset) {
        var tr = document.createElement("tr"), row = rows[position];
        tr.setAttribute("aria-rowindex", String(first + offset + 2));
        for (var column = 0; column < headers.length; column += 1) { tr.appendChild(cell(row, column)); }
        fragment.appendChild(tr);
      });
      body.replaceChildren(fragment);
      table.setAttribute("aria-rowcount", String(shown.length + 1));
      count.textContent = shown.length + " of " + rows.length + " rows";
      pager.hidden = shown.length <= PAGE;
      where.textContent = shown.length ? "Rows " + (first + 1) + "–" + Math.min(first + PAGE, shown.length) + " of " + shown.length : "No rows";
      previous.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    head.rows[head.rows.length - 1].setAttribute("aria-rowindex", "1");
    headers.forEach(function (th, column) {
      var button = element("button", "sort-button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        ascending = th.getAttribute("aria-sort") !== "ascending";
        sorted = column;
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sortBy(column, ascending);
        refilter();
      });
    });
    previous.addEventListener("click", function () { page -= 1; render(); });
    next.addEventListener("click", function () { page += 1; render(); });
    var box = element("div", "table-filter");
    var id = "table-filter-" + (index + 1);
    var label = element("label", "", "Filter rows of “" + caption + "”");
    label.htmlFor = id;
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var count = element("span", "table-count");
    count.setAttribute("aria-live", "polite");
    input.addEventListener("input", function () {
      wanted = input.value.trim().toLocaleLowerCase();
      refilter();
    });
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(count);
    pager.appendChild(previous);
    pager.appendChild(where);
    pager.appendChild(next);
    table.parentNode.insertBefore(box, table);
    table.parentNode.insertBefore(pager, table.nextSibling);
    table.coursekitRows = load;
    load(data.rows);
  }
  window.coursekitTables = {
    setRows: function (table, rows) { if (table.coursekitRows) { table.coursekitRows(rows); } }
  };
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), setup);
}());
