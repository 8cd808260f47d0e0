// The learner's quiz: a thin view of the kernel's QuizSession (coursekit/widgets/quiz.py).
// The question types' view modules are inserted at the coursekit:views marker (see assemble_esm in quiz.py).
// The kernel sends the whole state in the `view` trait; this module draws it with native form
// controls and sends the learner's actions back as messages. Keys never reach JupyterLab.

// Each question type draws itself: coursekit/widgets/views/<type>.js, inserted below when the widget is made,
// registers {draw(ctx, view, q, legendId), refresh(ctx, box, q, value)} under its type name.
const VIEWS = new Map();
// anywidget loads this module once per widget model: the model's own id_prefix (coursekit/widgets/element_ids.py)
// tells the widgets of a page apart, this count the views of one model (it may be shown twice).
let views = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
  }
  return node;
}

/* coursekit:key-shield */

/* coursekit:views */

// A type without a view module: a text field, so the learner can still answer.
const FALLBACK_VIEW = {
  draw: (ctx, view, q) => ctx.textField(view, q, "Your answer"),
  refresh: (ctx, box, q, value) => ctx.refreshText(box, q, value),
};

function pointsText(points) {
  return `${points} point${points === 1 ? "" : "s"}`;
}

/** "0:12:34": whole seconds left (rounded up), as coursekit/quiz/countdown.py's time_left_text. */
function timeLeftText(seconds) {
  const whole = Math.max(0, Math.ceil(seconds));
  const two = (n) => String(n).padStart(2, "0");
  return `${Math.floor(whole / 3600)}:${two(Math.floor((whole % 3600) / 60))}:${two(whole % 60)}`;
}

/** "10:42" ("10:42:07" with seconds): a time in the learner's own time zone (the browser's), 24-hour clock. */
function localTime(iso, seconds = false) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit",
    second: seconds ? "2-digit" : undefined, hourCycle: "h23" });
}

/** A kernel message with its {time} (10:42) and {clock} (10:42:07) written in the learner's local time. */
function localMessage(text, iso) {
  if (!iso) return text;
  return text.replaceAll("{time}", localTime(iso)).replaceAll("{clock}", localTime(iso, true));
}

/** "Monday, 7 December 2026, 10:42": a date and time in the learner's own time zone. */
function localDateTime(iso) {
  const date = new Date(iso).toLocaleDateString([], { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  return `${date}, ${localTime(iso)}`;
}

/** "Time limit: 20 minutes. The quiz closes on Monday, 7 December 2026, 10:42." (null: nothing to state). */
function timingText(timing) {
  if (!timing) return null;
  const parts = [];
  if (timing.limit) parts.push(`Time limit: ${timing.limit}.`);
  if (timing.close) parts.push(`The quiz closes on ${localDateTime(timing.close)}.`);
  return parts.join(" ");
}

/** "5 minutes left" / "40 seconds left", as countdown.py's spoken_time_left. */
function spokenTimeLeft(seconds) {
  const whole = Math.max(0, Math.ceil(seconds));
  if (whole >= 60 && whole % 60 === 0) return `${whole / 60} minute${whole === 60 ? "" : "s"} left`;
  return `${whole} second${whole === 1 ? "" : "s"} left`;
}

/**
 * The quiz timer (Moodle's): "Time left 0:12:34" beside the header while the attempt has a deadline.
 * The kernel sends the seconds left, computed from the server's time when its state arrived; this counts
 * down on the browser's monotonic clock (performance.now), tells screen readers the time left only at the
 * kernel's thresholds (5 min, 1 min) through its own polite live region, and at 0 asks the kernel to submit.
 */
function makeTimer(onTimeUp) {
  const box = el("p", { class: "coursekit-timer", hidden: true });
  const text = el("span", { role: "timer", "aria-atomic": "true" });
  box.append(text);
  const spoken = el("div", { class: "coursekit-visually-hidden coursekit-timer-live", role: "status",
    "aria-live": "polite", "aria-atomic": "true" });
  let plan = null; // {ends (performance.now ms), deadline, announceAt, final}
  let interval = null;
  let announced = new Set();
  let firedFor = null;

  function tick() {
    if (!plan) return;
    const left = Math.max(0, (plan.ends - performance.now()) / 1000);
    const whole = Math.ceil(left);
    text.textContent = `Time left ${timeLeftText(left)}`;
    box.classList.toggle("coursekit-timer-final", whole <= plan.final);
    for (const at of plan.announceAt) {
      if (whole <= at && !announced.has(at)) {
        announced.add(at);
        if (whole > 0) spoken.textContent = `Time left: ${spokenTimeLeft(at)}.`;
      }
    }
    if (whole === 0 && firedFor !== plan.deadline) {
      firedFor = plan.deadline;
      clearInterval(interval);
      interval = null;
      onTimeUp();
    }
  }

  function stop() {
    clearInterval(interval);
    interval = null;
    plan = null;
    box.hidden = true;
    box.classList.remove("coursekit-timer-final");
  }

  /** Follow the view's `timer` ({seconds, deadline, announce_at, final} or null). */
  function update(timer, running) {
    if (!timer || !running) { stop(); return; }
    if (!plan || plan.deadline !== timer.deadline) {
      // A new attempt's timer: thresholds already passed are not announced late.
      announced = new Set(timer.announce_at.filter((at) => timer.seconds < at));
    }
    if (timer.seconds > 0 && firedFor === timer.deadline) firedFor = null; // the kernel says time is left
    plan = { ends: performance.now() + timer.seconds * 1000, deadline: timer.deadline,
      announceAt: timer.announce_at, final: timer.final };
    box.hidden = false;
    if (interval === null && firedFor !== timer.deadline) interval = setInterval(tick, 250);
    tick();
  }

  return { box, spoken, update, stop };
}

function render({ model, el: host }) {
  const uid = `${model.get("id_prefix")}-${++views}`;
  const root = el("div", { class: "coursekit-quiz" });
  shieldKeys(root);
  const body = el("div", { class: "coursekit-body" });
  // One live region for the widget's life: only its text changes.
  const live = el("div", { class: "coursekit-status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const timer = makeTimer(() => model.send({ action: "time_up" }));
  root.append(body, live, timer.spoken);
  host.append(root);
  const drafts = new Map(); // text typed but not yet echoed back by the kernel
  const timers = new Map();
  let lastFocus = (model.get("view") || {}).focus_seq || 0;
  let lastMessage = null;
  let lastNote = null; // the message_seq of the note last brought into view

  const send = (content) => model.send(content);
  // Answers sent but not yet echoed by the kernel: drawn instead of the (older) state, so a
  // redraw in between never undoes a choice the learner just made.
  const pending = new Map();
  const answer = (question, value) => {
    pending.set(question, value);
    send({ action: "answer", question, value });
  };
  const canonical = (value) => JSON.stringify(value, (_k, v) => (v && typeof v === "object" && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort()) : v));
  const answerOf = (view, id) => (pending.has(id) ? pending.get(id) : view.answers[id]);
  let structure = null;

  function keyOf(node) {
    const holder = node && node.closest ? node.closest("[data-key]") : null;
    return holder && root.contains(holder) ? holder.getAttribute("data-key") : null;
  }

  // What the view modules get: the helpers to draw controls and send answers.
  const ctx = {
    uid, el, answer, answerOf, drafts, timers,
    /** A radio group (one Tab stop, arrow keys move and choose) over `options` ({id, text}). */
    radioGroup(view, q, legendId, options) {
      const value = answerOf(view, q.id);
      const disabled = view.finished;
      const name = `${uid}-${q.id}`;
      const checkedIndex = options.findIndex((o) => o.id === value);
      const list = el("div", { class: "coursekit-options" });
      options.forEach((option, index) => {
        const input = el("input", {
          type: "radio", name, id: `${name}-${index}`, value: String(option.id),
          checked: option.id === value, disabled,
          "data-key": `opt:${q.id}:${index}`,
        });
        input.checked = option.id === value;
        // One Tab stop per group: the checked radio, or the first when none is.
        input.tabIndex = (checkedIndex === -1 ? index === 0 : index === checkedIndex) ? 0 : -1;
        input.addEventListener("change", () => {
          if (!input.checked) return;
          ctx.roveTo(list, input);
          answer(q.id, option.id);
        });
        input.addEventListener("keydown", (event) => {
          const keys = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
          if (!(event.key in keys) || disabled) return;
          event.preventDefault();
          const next = (index + keys[event.key] + options.length) % options.length;
          const target = list.querySelectorAll("input")[next];
          target.checked = true;
          ctx.roveTo(list, target);
          target.focus();
          answer(q.id, options[next].id);
        });
        list.append(el("label", { class: "coursekit-option", for: `${name}-${index}` }, input,
          el("span", { text: option.text })));
      });
      // The fieldset, named by its legend, is the group: no second name (a radiogroup role would repeat it).
      return el("div", { class: "coursekit-group" }, list);
    },
    /** Tick the radio whose value is `value` (values in the order the radios were drawn). */
    checkRadios(box, values, value) {
      const inputs = [...box.querySelectorAll("input")];
      inputs.forEach((input, i) => { input.checked = values[i] === value; });
      ctx.roveTo(box, inputs.find((input) => input.checked) || inputs[0]);
    },
    /** Make `input` the group's one Tab stop (Chromium skips an unchecked radio once one is checked). */
    roveTo(group, input) {
      group.querySelectorAll("input").forEach((other) => { other.tabIndex = other === input ? 0 : -1; });
    },
    /** A text field saved as the learner types (after a pause, on Enter and on leaving it). */
    textField(view, q, label, extraClass = "") {
      const id = `${uid}-${q.id}-text`;
      const input = el("input", { type: "text", id, disabled: view.finished, autocomplete: "off",
        "data-key": `text:${q.id}` });
      const saved = view.answers[q.id];
      input.value = drafts.has(q.id) ? drafts.get(q.id) : (saved === undefined || saved === null ? "" : String(saved));
      const flush = () => {
        clearTimeout(timers.get(q.id));
        if (drafts.has(q.id)) answer(q.id, drafts.get(q.id));
      };
      input.addEventListener("input", () => {
        drafts.set(q.id, input.value);
        clearTimeout(timers.get(q.id));
        timers.set(q.id, setTimeout(flush, 400));
      });
      input.addEventListener("change", flush);
      input.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); flush(); } });
      return el("div", { class: `coursekit-group coursekit-short ${extraClass}`.trim() },
        el("label", { for: id, text: label }), input);
    },
    /** Show the saved text unless the learner is typing in the field. */
    refreshText(box, q, value) {
      const input = box.querySelector("input");
      const text = value === undefined || value === null ? "" : String(value);
      if (input && document.activeElement !== input && !drafts.has(q.id)) input.value = text;
    },
  };
  const viewOf = (q) => VIEWS.get(q.type) || FALLBACK_VIEW;

  function question(view, q) {
    const legendId = `${uid}-legend-${q.id}`;
    const legend = el("legend", { id: legendId, tabindex: "-1", class: "coursekit-legend", "data-key": `legend:${q.id}` },
      el("span", { class: "coursekit-qnumber", text: `Question ${q.number} of ${view.questions.length}` }),
      el("span", { class: "coursekit-qtext", text: q.text }),
      el("span", { class: "coursekit-points", text: pointsText(q.points) }));
    const controls = viewOf(q).draw(ctx, view, q, legendId);
    return el("fieldset", { class: `coursekit-question coursekit-question-${q.id}` }, legend, controls);
  }

  function button(text, cls, action, extra = {}) {
    return el("button", { type: "button", class: `coursekit-button ${cls}`, "data-key": `btn:${cls.split(" ")[0]}`,
      onclick: action, ...extra }, text);
  }

  /** Arrow keys (and Home, End) move along the question map; it is one Tab stop (roving tabindex). */
  function mapKeys(event) {
    const keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    const buttons = [...body.querySelectorAll(".coursekit-map")];
    const at = buttons.indexOf(event.currentTarget);
    let next = null;
    if (event.key in keys) next = (at + keys[event.key] + buttons.length) % buttons.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = buttons.length - 1;
    if (next === null) return;
    event.preventDefault();
    buttons.forEach((b, i) => { b.tabIndex = i === next ? 0 : -1; });
    buttons[next].focus();
  }

  function questionMap(view) {
    const items = view.questions.map((q, index) => {
      const answered = view.answered.includes(q.id);
      const current = index === view.index;
      const state = answered ? "answered" : "not answered";
      const mapButton = button(`${q.number}`, `coursekit-map coursekit-map-${q.number}`,
        () => send({ action: "go", index }), {
          "aria-label": `Question ${q.number}, ${state}${current ? ", current" : ""}`,
          "aria-current": current ? "step" : null,
          "data-answered": answered ? "true" : "false",
          "data-key": `map:${index}`,
          onkeydown: mapKeys,
        });
      mapButton.tabIndex = current ? 0 : -1; // one Tab stop: the question shown now
      return el("li", {}, mapButton);
    });
    return el("nav", { class: "coursekit-mapnav", "aria-label": "Questions" },
      el("ol", { class: "coursekit-mapitems" }, items),
      el("p", { class: "coursekit-legendkey", text: "Filled: answered. Outlined: not answered yet. Underlined: shown now. " +
        "Arrow keys move between the questions." }));
  }

  function resultPanel(view) {
    const r = view.result;
    const parts = [el("h3", { class: "coursekit-result-title", id: `${uid}-result-title`, tabindex: "-1", "data-key": "result" },
      `Attempt ${r.number}: submitted`)];
    const facts = [
      ["Submitted", r.submitted_at],
      ["Answered", `${r.answered} of ${r.total} questions`],
    ];
    if (r.marks !== null) {
      facts.push(["Marks", `${r.marks} out of ${r.max_marks} (${r.percent} %)`]);
      facts.push(["Result", r.passed ? `Passed (pass rate ${r.pass_rate} %)` : `Not yet passed (pass rate ${r.pass_rate} %)`]);
    }
    if (r.submitted_iso) facts[0][1] = localDateTime(r.submitted_iso);
    parts.push(el("dl", { class: "coursekit-facts" }, facts.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })])));
    if (r.questions && r.questions.length) {
      parts.push(el("h4", { id: `${uid}-perq`, class: "coursekit-perq-title", text: "Your answers" }));
      parts.push(el("ol", { class: "coursekit-verdicts", "aria-labelledby": `${uid}-perq` },
        r.questions.map((q) => {
          let verdict = q.state_words;
          if (verdict && q.marks !== null && q.marks !== undefined) verdict += ` (${q.marks} of ${q.points} mark${q.points === "1" ? "" : "s"})`;
          return el("li", { class: `coursekit-verdict${q.state ? ` coursekit-verdict-${q.state}` : ""}` },
            el("p", { class: "coursekit-verdict-head" },
              el("span", { class: "coursekit-qnumber", text: `Question ${q.number}` }),
              verdict ? el("span", { class: "coursekit-verdict-state", text: verdict }) : null),
            el("p", { class: "coursekit-verdict-text", text: q.text }),
            el("p", {}, el("span", { class: "coursekit-verdict-label", text: "Your answer: " }), q.answer),
            q.right_answer ? el("p", {}, el("span", { class: "coursekit-verdict-label", text: "Right answer: " }),
              q.right_answer) : null);
        })));
    }
    if (r.note) parts.push(el("p", { class: "coursekit-note", text: r.note }));
    return el("section", { class: "coursekit-result", "aria-labelledby": `${uid}-result-title` }, parts);
  }

  function timeUpPanel(view) {
    const t = view.time_up;
    return el("section", { class: "coursekit-timeup", "aria-labelledby": `${uid}-timeup` },
      el("h3", { id: `${uid}-timeup`, tabindex: "-1", "data-key": "timeup",
        text: `Time is up: your attempt was submitted at ${localTime(t.at)}` }),
      el("p", { text: "It holds the answers given until then." }),
      t.note ? el("p", { class: "coursekit-timeup-note", text: t.note }) : null);
  }

  function startPanel(view) {
    return el("section", { class: "coursekit-start-panel", "aria-labelledby": `${uid}-start` },
      el("h3", { id: `${uid}-start`, tabindex: "-1", "data-key": "start", text: `Attempt ${view.attempt}` }),
      el("p", { text: "The time starts when you press Start attempt. When it is up, your attempt is submitted " +
        "with the answers given until then." }),
      el("div", { class: "coursekit-actions" },
        button("Start attempt", "coursekit-start coursekit-primary", () => send({ action: "start" }))));
  }

  function attemptsList(view) {
    if (!view.history.length) return null;
    const rows = view.history.map((a) => el("tr", {},
      el("th", { scope: "row", text: `Attempt ${a.number}` }),
      el("td", { text: a.submitted_iso ? localDateTime(a.submitted_iso) : a.submitted_at }),
      el("td", { text: a.marks === null ? "after grading" : `${a.marks} / ${a.max_marks}` }),
      el("td", { text: a.counts ? "counts" : "" })));
    return el("section", { class: "coursekit-history" },
      el("h3", { text: "Your attempts" }),
      el("p", { text: view.grading_note }),
      el("table", {},
        el("thead", {}, el("tr", {}, ["Attempt", "Submitted", "Marks", "Grade"].map((t) => el("th", { scope: "col", text: t })))),
        el("tbody", {}, rows)));
  }

  /** Whether the message is drawn at the top of the question area (another tab's submit): see tabNote. */
  function notedAtQuestion(view) {
    return view.message_place === "question" && !!view.message && (view.phase === "question" || view.phase === "confirm");
  }

  /**
   * The message beside the question shown (another tab submitted: coursekit/widgets/quiz_tabs.py), where a
   * sighted learner sees it without scrolling. Plain text, read just before the question: the live region
   * announces it (once), and shows it only to screen readers while this note is drawn.
   */
  function tabNote(view) {
    return el("p", { class: `coursekit-tabnote${view.warn ? " coursekit-warn" : ""}`, "data-key": "tabnote",
      text: localMessage(view.message, view.message_time) });
  }

  function structureOf(view) {
    return canonical([view.phase, view.index, view.attempt, view.finished, view.layout, view.history,
      view.result, view.phase === "confirm" ? view.confirm_text : "", view.can_back, view.can_next, view.header,
      view.timing, view.time_up, notedAtQuestion(view) ? view.message_seq : null]);
  }

  /** Bring the map and the shown controls up to date without rebuilding them (the focus stays put). */
  function refresh(view) {
    for (const button of body.querySelectorAll(".coursekit-map")) {
      const index = Number(button.getAttribute("data-key").slice(4));
      const q = view.questions[index];
      const answered = view.answered.includes(q.id);
      button.setAttribute("data-answered", answered ? "true" : "false");
      button.setAttribute("aria-label", `Question ${q.number}, ${answered ? "answered" : "not answered"}` +
        `${index === view.index ? ", current" : ""}`);
    }
    for (const q of view.questions) {
      if (pending.has(q.id)) continue;
      const value = view.answers[q.id];
      const box = body.querySelector(`.coursekit-question-${CSS.escape(q.id)}`);
      if (!box) continue;
      viewOf(q).refresh(ctx, box, q, value);
    }
  }

  function draw() {
    const view = model.get("view") || {};
    if (!view.questions) return;
    timer.update(view.timer, view.phase !== "result" && !view.finished);
    if (view.warn && view.message_seq !== lastMessage) pending.clear(); // refused: show what the kernel holds
    for (const [id, value] of pending) {
      if (canonical(view.answers[id] ?? null) === canonical(value)) pending.delete(id);
    }
    for (const [id, text] of drafts) {
      if (String(view.answers[id] ?? "") === text && document.activeElement?.getAttribute("data-key") !== `text:${id}`) {
        drafts.delete(id);
      }
    }
    const shape = structureOf(view);
    if (shape === structure && (view.focus_seq || 0) === lastFocus) {
      refresh(view);
      announce(view);
      return;
    }
    structure = shape;
    const focused = keyOf(document.activeElement);
    const nodes = [el("div", { class: "coursekit-headrow" },
      el("p", { class: "coursekit-header", text: view.header }), timer.box)];
    if (view.finished) {
      nodes.push(el("p", { class: "coursekit-finished", text: "This quiz is finished: you have used all your " +
        "attempts. Your attempts, and the one that counts, are listed below." }));
    }
    const timing = timingText(view.timing);
    if (timing) nodes.push(el("p", { class: "coursekit-timing", text: timing }));
    if (view.phase === "start") {
      nodes.push(startPanel(view));
    } else if (view.phase === "result") {
      if (view.time_up) nodes.push(timeUpPanel(view));
      nodes.push(resultPanel(view));
      if (!view.finished) {
        nodes.push(el("div", { class: "coursekit-actions" },
          button(`Start attempt ${view.attempt}`, "coursekit-again", () => send({ action: "again" }))));
      }
    } else {
      if (view.layout === "paged" && view.navigation === "free") nodes.push(questionMap(view));
      const shown = view.layout === "paged" ? [view.questions[view.index]] : view.questions;
      nodes.push(el("div", { class: "coursekit-page" }, notedAtQuestion(view) ? tabNote(view) : null,
        shown.map((q) => question(view, q))));
      const actions = [];
      if (view.layout === "paged") {
        if (view.navigation === "free") {
          actions.push(button("Back", "coursekit-back", () => send({ action: "go", index: view.index - 1 }),
            { disabled: !view.can_back }));
        }
        actions.push(button("Next", "coursekit-next", () => send({ action: "go", index: view.index + 1 }),
          { disabled: !view.can_next }));
      }
      actions.push(button("Submit attempt", "coursekit-submit coursekit-primary", () => send({ action: "submit" }),
        { disabled: view.finished }));
      nodes.push(el("div", { class: "coursekit-actions" }, actions));
      if (view.phase === "confirm") {
        nodes.push(el("section", { class: "coursekit-confirm-panel", "aria-labelledby": `${uid}-confirm` },
          el("p", { id: `${uid}-confirm`, tabindex: "-1", "data-key": "confirm", text: view.confirm_text }),
          el("div", { class: "coursekit-actions" },
            button("Submit anyway", "coursekit-confirm coursekit-primary", () => send({ action: "confirm" })),
            button("Keep answering", "coursekit-cancel", () => send({ action: "cancel" })))));
      }
    }
    nodes.push(attemptsList(view));
    body.replaceChildren(...nodes.filter(Boolean));

    announce(view);
    let target = null;
    if ((view.focus_seq || 0) !== lastFocus) {
      lastFocus = view.focus_seq || 0;
      target = body.querySelector(`[data-key="${view.focus}"]`);
    } else if (focused) {
      target = body.querySelector(`[data-key="${CSS.escape(focused)}"]`);
    }
    if (target) target.focus({ preventScroll: false });
    const note = body.querySelector(".coursekit-tabnote");
    if (note && view.message_seq !== lastNote) {
      lastNote = view.message_seq;
      note.scrollIntoView({ block: "nearest" }); // with the question below it, focused or not
    }
  }

  function announce(view) {
    if (view.message && view.message_seq !== lastMessage) {
      lastMessage = view.message_seq;
      live.textContent = localMessage(view.message, view.message_time);
      live.classList.toggle("coursekit-warn", !!view.warn);
    }
    // Shown beside the question instead: the status line keeps it for screen readers only (one announcement).
    live.classList.toggle("coursekit-visually-hidden", notedAtQuestion(view));
  }

  model.on("change:view", draw);
  draw();
  return () => { for (const t of timers.values()) clearTimeout(t); timer.stop(); };
}

export default { render };
