/* Keyboard toggles for the series of every plotly chart (in figure.coursekit-chart) with two or more legend
   entries, for pages opened from disk with no network. Plotly's legend entries react to the mouse only: under
   each such chart, a labelled group holds one real button per series (named after it, aria-pressed="true" while
   the series shows); Enter or Space hides or shows it with Plotly.restyle, as a legend click does. Any restyle
   (a legend click or double click with the mouse included) updates the buttons' state. */
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  var parser = new DOMParser();
  function plain(text) {  // the text plotly shows for a name or title written with entities or simple tags
    return parser.parseFromString(String(text || ""), "text/html").documentElement.textContent.trim();
  }
  function shown(trace) { return trace.visible !== false && trace.visible !== "legendonly"; }
  function colour(trace) {
    var candidates = [trace.marker && trace.marker.color, trace.line && trace.line.color];
    for (var i = 0; i < candidates.length; i += 1) {
      if (typeof candidates[i] === "string") { return candidates[i]; }
    }
    return "";
  }
  function entries(chart) {  // the traces plotly lists in its legend: [{index, name, colour}]
    var layout = chart._fullLayout;
    if (!layout || layout.showlegend === false) { return []; }
    var listed = (chart._fullData || []).filter(function (trace) {
      return trace.showlegend !== false && trace.type !== "pie" && plain(trace.name) !== "";
    }).map(function (trace, position) {
      return {index: trace.index, name: plain(trace.name), colour: colour(trace),
              rank: typeof trace.legendrank === "number" ? trace.legendrank : 1000, position: position};
    });
    listed.sort(function (a, b) { return a.rank - b.rank || a.position - b.position; });
    // in the legend's order: plotly reverses it for stacked bars (traceorder "reversed")
    if (layout.legend && String(layout.legend.traceorder || "").indexOf("reversed") !== -1) { listed.reverse(); }
    return listed;
  }
  function setup(chart, number) {
    var series = entries(chart);
    var figure = chart.closest("figure.coursekit-chart");
    if (series.length < 2 || !figure || figure.querySelector(".series-toggles")) { return; }
    var title = chart.layout && chart.layout.title ? plain(chart.layout.title.text || chart.layout.title) : "";
    var group = document.createElement("div");
    group.className = "series-toggles";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Series shown in " + (title ? "“" + title + "”" : "chart " + number));
    var buttons = series.map(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "series-toggle";
      var swatch = document.createElement("span");
      swatch.className = "series-swatch";
      swatch.setAttribute("aria-hidden", "true");
      if (item.colour) { swatch.style.backgroundColor = item.colour; }
      var label = document.createElement("span");
      label.className = "series-name";
      label.textContent = item.name;
      button.appendChild(swatch);
      button.appendChild(label);
      button.addEventListener("click", function () {
        var visible = shown(chart.data[item.index]) ? "legendonly" : true;
        Plotly.restyle(chart, {visible: visible}, [item.index]);
      });
      group.appendChild(button);
      return button;
    });
    function sync() {
      series.forEach(function (item, position) {
        var trace = chart.data[item.index];
        buttons[position].setAttribute("aria-pressed", trace && shown(trace) ? "true" : "false");
      });
    }
    sync();
    chart.on("plotly_restyle", sync);
    chart.on("plotly_afterplot", sync);
    var plot = figure.querySelector(".chart-plot");
    figure.insertBefore(group, plot ? plot.nextSibling : figure.firstChild);
  }
  Array.prototype.forEach.call(document.querySelectorAll("figure.coursekit-chart .plotly-graph-div"),
    function (chart, index) {
      if (chart._fullData && chart.on) {
        setup(chart, index + 1);
      } else if (chart.on) {
        chart.on("plotly_afterplot", function () { setup(chart, index + 1); });
      }
    });
}());
