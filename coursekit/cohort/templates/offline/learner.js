/* The learner page shows any learner from the data it embeds (script#learner-data, see
   coursekit.results.learner_view): the learner named after "#" in the address (learner_progress.html#learner0042,
   as the links of the other pages write it), or the one typed into the "Learner id" field. It fills the
   heading, the results per section, the score per question (through window.coursekitTables) and the chart with
   its finding, and says in a status line when the id is unknown. */
(function () {
  "use strict";
  var source = document.getElementById("learner-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
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
  function show(who) {
    if (!Object.prototype.hasOwnProperty.call(data.sections, who)) {
      status.textContent = "No learner “" + who + "” in this report.";
      return;
    }
    status.textContent = "";
    heading.textContent = "Learner: " + who;
    // as coursekit.results.learner_view.learner_rows makes them: the section's title, a score with 2 decimals
    var rows = data.sections[who].map(function (row) { return [data.titles[row[0]]].concat(row.slice(1)); });
    fillSections(rows);
    var scores = data.scores[who] || [];
    window.coursekitTables.setRows(questions, data.questions.map(function (question, index) {
      var score = scores[index];
      return [question[0], question[1], question[2], score === null || score === undefined ? "" : score.toFixed(2),
              question[4], question[5]];
    }));
    fillChart(who, rows);
    field.value = who;
  }
  function fromAddress() {
    var wanted = decodeURIComponent(window.location.hash.replace(/^#/, ""));
    if (wanted) { show(wanted); }
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var wanted = field.value.trim();
    if (!wanted) { return; }
    if (window.location.hash === "#" + encodeURIComponent(wanted)) { show(wanted); } else {
      window.location.hash = encodeURIComponent(wanted);
    }
    heading.focus();
  });
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
}());
