/* The learner page shows any learner: the one named after "#" in the address (learner_progress.html#learner0042,
   as the links of the other pages write it), or the one typed into the "Learner id" field. The page embeds what
   every learner shares (script#learner-data: section titles, questions with the cohort mean, the number of data
   files); each learner's own rows are in one of the data files beside the page (data/learners-0000.js, ...,
   see coursekit.results.learner_view.split_learner_data), picked by a hash of the id (learner_file there) and
   loaded on demand with a script element, which works from disk with no network. Each file calls
   window.coursekitLearnerFile(number, {learners, sections, scores}). The script fills the heading, the results
   per section, the score per question (through window.coursekitTables) and the chart with its finding, and says
   in a status line when the id is unknown or its file cannot be read. */
(function () {
  "use strict";
  var source = document.getElementById("learner-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var known = new Map();  // learner id -> {sections, scores}, from the files read so far
  var files = {};  // file number -> "loading" | "read" | "failed"
  var waiting = {};  // file number -> functions to call once it is read (or failed)
  var wanted = null;  // the learner last asked for: an answer for an earlier one is not shown
  window.coursekitLearnerFile = function (number, chunk) {
    chunk.learners.forEach(function (id, index) {
      known.set(id, {sections: chunk.sections[index], scores: chunk.scores[index]});
    });
    files[number] = "read";
  };
  (data.inline || []).forEach(function (chunk, number) { window.coursekitLearnerFile(number, chunk); });
  function fileOf(who) {  // as coursekit.results.learner_view.learner_file: FNV-1a of the UTF-8, modulo files
    var bytes = new TextEncoder().encode(who), value = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i += 1) { value = Math.imul(value ^ bytes[i], 0x01000193) >>> 0; }
    return value % data.files;
  }
  function fileName(number) { return data.path + String(number).padStart(4, "0") + ".js"; }
  function withLearner(who, done) {  // done(rows or undefined, the file that could not be read or undefined)
    if (known.has(who) || !data.files) { done(known.get(who)); return; }
    var number = fileOf(who);
    if (files[number] === "read" || !data.path) { done(known.get(who)); return; }
    (waiting[number] = waiting[number] || []).push(function (failed) {
      done(known.get(who), failed ? fileName(number) : undefined);
    });
    if (files[number] === "loading") { return; }
    files[number] = "loading";
    var script = document.createElement("script");
    function finish(failed) {
      if (failed) { files[number] = "failed"; script.remove(); }  // asked again, it is tried again
      var calls = waiting[number] || [];
      delete waiting[number];
      calls.forEach(function (call) { call(failed); });
    }
    script.addEventListener("load", function () { finish(false); });
    script.addEventListener("error", function () { finish(true); });
    script.src = fileName(number);
    document.head.appendChild(script);
  }
  var heading = document.getElementById("learner-heading");
  var status = document.getElementById("learner-status");
  var sections = document.querySelector("#learner-sections table");
  var questions = document.querySelector("#learner-questions table");
  var form = document.querySelector("form.learner-pick");
  var field = document.getElementById("learner-id");
  var chart = document.querySelector("figure.coursekit-chart .plotly-graph-div");
  function finding(who, rows) {  // as coursekit.results.learner_view.chart_finding says it
    return who + ": " + rows.map(function (row) {
      return row[3] === "" ? row[0] + ": " + row[5]
        : row[0] + ": " + Number(row[3]).toFixed(0) + " % (pass rate " + row[4] + " %), " + row[5];
    }).join("; ");
  }
  function fillSections(rows) {
    var fragment = document.createDocumentFragment();
    var align = Array.prototype.map.call(sections.tHead.rows[0].cells, function (th) { return th.className; });
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      row.forEach(function (text, column) {
        var td = document.createElement("td");
        if (align[column]) { td.className = align[column]; }
        td.textContent = text;
        tr.appendChild(td);
      });
      fragment.appendChild(tr);
    });
    sections.tBodies[0].replaceChildren(fragment);
  }
  function fillChart(who, rows) {
    if (!chart || typeof Plotly === "undefined" || !chart.data) { return; }
    var trace = chart.data[0];
    var labels = trace.y && trace.y.length === rows.length ? trace.y : rows.map(function (row) { return row[0]; });
    var layout = chart.layout;
    if (layout.title) { layout.title.text = (who + ": quiz score per section").replace(/&/g, "&amp;").replace(/</g, "&lt;"); }
    Plotly.react(chart, [Object.assign({}, trace, {
      y: labels, x: rows.map(function (row) { return row[3] === "" ? 0 : Number(row[3]); }),
      customdata: rows.map(function (row) { return [row[5]]; })
    })], layout);
    var said = finding(who, rows);
    var figure = chart.closest("figure");
    figure.querySelector(".chart-plot").setAttribute("aria-label", said);
    var caption = figure.querySelector("figcaption");
    caption.replaceChildren();
    var strong = document.createElement("strong");
    strong.textContent = "Finding:";
    caption.appendChild(strong);
    caption.appendChild(document.createTextNode(" " + said));
  }
  function render(who, mine) {
    status.textContent = "";
    heading.textContent = "Learner: " + who;
    // as coursekit.results.learner_view.learner_rows makes them: the section's title, a score with 2 decimals
    var rows = mine.sections.map(function (row) { return [data.titles[row[0]]].concat(row.slice(1)); });
    fillSections(rows);
    var scores = mine.scores || [];
    window.coursekitTables.setRows(questions, data.questions.map(function (question, index) {
      var score = scores[index];
      return [question[0], question[1], question[2], score === null || score === undefined ? "" : score.toFixed(2),
              question[4], question[5]];
    }));
    fillChart(who, rows);
    field.value = who;
  }
  function show(who) {
    wanted = who;
    if (!known.has(who)) { status.textContent = "Reading the results of “" + who + "”…"; }
    withLearner(who, function (mine, unread) {
      if (wanted !== who) { return; }  // another learner was asked for meanwhile
      if (unread) {
        status.textContent = "The results of “" + who + "” could not be read (" + unread + " beside this page).";
      } else if (!mine) {
        status.textContent = "No learner “" + who + "” in this report.";
      } else {
        render(who, mine);
      }
    });
  }
  function fromAddress() {
    var named = window.location.hash.replace(/^#/, "");
    try { named = decodeURIComponent(named); } catch (malformed) { /* shown as written */ }
    if (named) { show(named); }
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var typed = field.value.trim();
    if (!typed) { return; }
    if (window.location.hash === "#" + encodeURIComponent(typed)) { show(typed); } else {
      window.location.hash = encodeURIComponent(typed);
    }
    heading.focus();
  });
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
}());
