// A reflection's Comment field: a labelled multi-line text area, described by its question.
// Every key stays in the field (JupyterLab's command mode never gets one); the text is sent
// to the kernel as it is typed (after a short pause), which saves it.

/* coursekit:key-shield */

// anywidget loads this module once per widget model: the model's own id_prefix (coursekit/widgets/element_ids.py)
// tells the fields of a page apart, this count the views of one model (it may be shown twice).
let views = 0;

function render({ model, el: host }) {
  const uid = `${model.get("id_prefix")}-${++views}`;
  const root = document.createElement("div");
  root.className = "coursekit-comment";
  shieldKeys(root);
  const label = document.createElement("label");
  label.htmlFor = `${uid}-text`;
  label.textContent = "Comment";
  const described = document.createElement("p");
  described.id = `${uid}-question`;
  described.className = "coursekit-visually-hidden";
  described.textContent = `${model.get("heading")}: ${model.get("question")}`;
  const area = document.createElement("textarea");
  area.id = `${uid}-text`;
  area.rows = 6;
  area.setAttribute("aria-describedby", `${uid}-question`);
  area.value = model.get("text");
  const live = document.createElement("p");
  live.className = "coursekit-status";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  /** The status line: a {time} in it written in the learner's local time (24-hour clock). */
  const statusText = () => {
    const at = model.get("status_time");
    const time = at ? new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit",
      hourCycle: "h23" }) : "";
    return model.get("status").replaceAll("{time}", time);
  };
  live.textContent = statusText();
  root.append(label, described, area, live);
  host.append(root);

  let timer = null;
  const flush = () => {
    clearTimeout(timer);
    timer = null;
    if (model.get("text") !== area.value) {
      model.set("text", area.value);
      model.save_changes();
    }
  };
  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(flush, 300);
  });
  area.addEventListener("blur", flush);
  model.on("change:status", () => {
    live.textContent = statusText();
    live.classList.toggle("coursekit-warn", /not saved/i.test(model.get("status")));
  });
  model.on("change:text", () => {
    // Another view of the same field typed: show it, unless this one is being typed in.
    if (document.activeElement !== area && timer === null) area.value = model.get("text");
  });
  return () => clearTimeout(timer);
}

export default { render };
