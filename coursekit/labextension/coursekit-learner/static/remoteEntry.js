// coursekit's learner mode in JupyterLab, written by hand as a federated extension (no build step):
// JupyterLab loads this script, calls init() and get("./extension"), and activates the plugin below.
// It needs no shared module: it uses only the application object JupyterLab passes to activate().
(function () {
  // Narrow screens: a phone, a small tablet, or 1280 px at 200 % zoom (640 CSS px).
  const NARROW = "(max-width: 760px)";

  // On narrow screens the notebook area loses its padding, and dialogs (Validate, Submit) stay inside the window.
  const CSS = `
@media ${NARROW} {
  #jp-main-dock-panel { padding: 0 !important; }
  .jp-Dialog-content { max-width: calc(100vw - 16px) !important; min-width: 0 !important; box-sizing: border-box; }
  .jp-Dialog-body { overflow-wrap: anywhere; overflow: auto; }
  .jp-Dialog-body pre { white-space: pre-wrap; }
}`;

  // The panels close; the right activity bar (property inspector, debugger: nothing for a learner) goes,
  // so the notebook keeps the width. The file browser stays one tap away on the left bar.
  function collapseSidePanels(shell) {
    if (typeof shell.collapseLeft === "function") shell.collapseLeft();
    if (typeof shell.collapseRight === "function") shell.collapseRight();
    if (typeof shell.isSideTabBarVisible === "function" && shell.isSideTabBarVisible("right")) {
      shell.toggleSideTabBarVisibility("right");
    }
  }

  // A course cell's hidden code (the widget calls, the trainer's scoring cells) is not for the learner: clicking
  // its "•••" placeholder or the bar beside it leaves it hidden. Only cells the course locked (not editable) are
  // kept so; a cell of the learner's own opens as in any JupyterLab.
  const HIDDEN_INPUT = ".jp-InputPlaceholder, .jp-Cell-inputCollapser";

  function lockedCellAt(shell, target) {
    const panel = shell.currentWidget;
    const cells = panel && panel.content && panel.content.widgets;
    if (!cells) return null;
    const cell = cells.find((c) => c.node.contains(target));
    if (!cell || !cell.model) return null;
    const model = cell.model;
    const editable = typeof model.getMetadata === "function" ? model.getMetadata("editable")
      : model.metadata && model.metadata.editable;
    return editable === false ? cell : null;
  }

  function keepCourseCodeHidden(app) {
    const guard = (event) => {
      const target = event.target;
      if (!(target instanceof Element) || !target.closest(HIDDEN_INPUT)) return;
      if (!lockedCellAt(app.shell, target)) return;
      event.stopPropagation();  // capture phase: JupyterLab's own click handler never sees it
      event.preventDefault();
    };
    window.addEventListener("click", guard, true);
    window.addEventListener("dblclick", guard, true);
    // Enter in command mode would open the active cell's editor, and with it the hidden code
    window.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
      const panel = app.shell.currentWidget;
      const notebook = panel && panel.content;
      const cell = notebook && notebook.activeCell;
      // only the notebook's own command mode (focus on the notebook or the cell, never in a field of a widget)
      if (!cell || notebook.mode !== "command" || !cell.inputHidden) return;
      if (event.target !== notebook.node && event.target !== cell.node) return;
      if (!lockedCellAt(app.shell, cell.node)) return;
      event.stopPropagation();
      event.preventDefault();
    }, true);
  }

  // nbgrader's Validate dialog puts "The following cell failed:" and the cell's text ("Nothing to type here: …")
  // before each reflection's message. A reflection's message (named by coursekit's validator) is said alone.
  const REFLECTION_MESSAGE = / \(its Comment field\): /;

  function plainValidation(root) {
    const failed = root.querySelector("#validation-message.validation-failed");
    if (!failed || failed.dataset.coursekitPlain) return;
    failed.dataset.coursekitPlain = "yes";
    for (const lead of [...failed.children]) {
      const source = lead.nextElementSibling;
      const error = source && source.nextElementSibling;
      if (lead.classList.contains("jp-RenderedText") || !error) continue;
      const text = error.textContent.trim();
      if (!REFLECTION_MESSAGE.test(text)) continue;
      const line = document.createElement("p");
      line.className = "coursekit-validation-line";
      line.textContent = text;
      lead.replaceWith(line);
      source.remove();
      error.remove();
    }
  }

  function plainValidationMessages() {
    new MutationObserver(() => plainValidation(document.body))
      .observe(document.body, { childList: true, subtree: true });
  }

  // Run All makes the last cell the active one and scrolls there: a learner at Reflection 1 would lose their
  // place. In learner mode Run All keeps the cell the learner was at active, and the view where it was.
  const RUN_ALL = "notebook:run-all-cells";

  function scrollerOf(notebook) {
    const outer = notebook.outerNode || notebook.node.querySelector(".jp-WindowedPanel-outer");
    if (outer) return outer;  // JupyterLab 4: the windowed list's outer node scrolls
    for (let node = notebook.node; node; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowY;
      if (overflow === "auto" || overflow === "scroll") return node;
    }
    return null;
  }

  // JupyterLab scrolls more than once while Run All goes on (to the last cell, as outputs appear): until the
  // learner scrolls, clicks or types, or a moment after the last cell ran, the learner's cell is held in place.
  const SETTLE_MS = 1500;
  const LEARNER_MOVES = ["wheel", "keydown", "pointerdown", "touchstart"];

  function holdInPlace(notebook, index, offset, result) {
    const scroller = scrollerOf(notebook);
    const cell = notebook.widgets[index];
    if (!scroller || !cell) return;
    const hold = () => {
      if (notebook.isDisposed) return;
      if (notebook.activeCellIndex !== index) notebook.activeCellIndex = index;
      const drift = cell.node.getBoundingClientRect().top - offset;
      if (Math.abs(drift) > 1) scroller.scrollTop += drift;
    };
    const sizes = new ResizeObserver(hold);
    const release = () => {
      delete document.body.dataset.coursekitHolding;
      scroller.removeEventListener("scroll", hold);
      sizes.disconnect();
      for (const type of LEARNER_MOVES) window.removeEventListener(type, release, true);
    };
    document.body.dataset.coursekitHolding = "run-all";  // while set, a scroll not by the learner is undone
    scroller.addEventListener("scroll", hold);
    sizes.observe(notebook.node);
    for (const type of LEARNER_MOVES) window.addEventListener(type, release, true);
    hold();
    Promise.resolve(result).catch(() => null).then(() => setTimeout(release, SETTLE_MS));
  }

  function keepPlaceOnRunAll(app) {
    const commands = app.commands;
    const execute = commands.execute.bind(commands);
    commands.execute = (id, args) => {
      const panel = app.shell.currentWidget;
      const notebook = panel && panel.content;
      if (id !== RUN_ALL || !notebook || typeof notebook.activeCellIndex !== "number") return execute(id, args);
      const index = notebook.activeCellIndex;
      const cell = notebook.widgets[index];
      const offset = cell ? cell.node.getBoundingClientRect().top : 0;
      const result = execute(id, args);
      holdInPlace(notebook, index, offset, result);
      // The answers save themselves; the notebook, whose outputs Run All changed, is saved at once (learner mode
      // saves it without widget state), so closing the tab right after asks nothing.
      const context = panel.context;
      Promise.resolve(result).then(() => {
        if (context && !context.isDisposed && context.model && context.model.dirty) return context.save();
        return null;
      }).catch(() => null);
      return result;
    };
  }

  // One save of a notebook at a time. JupyterLab starts a save while another is still under way (learner mode's
  // autosave every few seconds, the save after Run All, Ctrl+S); the later one then reads the file the earlier one
  // has just written, finds it changed on disk, and shows a "File Changed" dialog over the learner's work. Each
  // save of a notebook now waits for the one before it.
  function oneSaveAtATime(context) {
    if (!context || typeof context.save !== "function" || context.coursekitOneSave) return;
    context.coursekitOneSave = true;
    const save = context.save.bind(context);
    let last = Promise.resolve();
    context.save = () => {
      const next = last.catch(() => null).then(() => (context.isDisposed ? null : save()));
      last = next;
      return next;
    };
  }

  const plugin = {
    id: "coursekit-learner:narrow-screens",
    description: "Side panels start collapsed on narrow screens and close when a notebook opens; dialogs fit the "
      + "window; course code stays hidden; "
      + "Validate speaks plainly; Run All keeps the learner's place; a notebook is saved once at a time.",
    autoStart: true,
    activate: (app) => {
      const style = document.createElement("style");
      style.setAttribute("data-coursekit", "narrow-screens");
      style.textContent = CSS;
      document.head.append(style);
      keepCourseCodeHidden(app);
      plainValidationMessages();
      keepPlaceOnRunAll(app);
      const query = window.matchMedia(NARROW);
      // After the saved layout is restored (it may have the file browser open), the notebook gets the width.
      app.restored.then(() => { if (query.matches) collapseSidePanels(app.shell); });
      // Turning a tablet or zooming in: collapse once on becoming narrow; the learner may open them again.
      query.addEventListener("change", (event) => { if (event.matches) collapseSidePanels(app.shell); });
      // A document shown for the first time: its saves wait for each other; on a narrow screen, the panel it was
      // opened from (the file browser) closes, so the notebook has the width. The launcher and a document shown
      // again leave the panels as the learner set them.
      const shown = new WeakSet();
      if (app.shell.currentChanged) {
        app.shell.currentChanged.connect((shell, change) => {
          const widget = change.newValue;
          if (!widget || !widget.context || shown.has(widget)) return;
          shown.add(widget);
          oneSaveAtATime(widget.context);
          if (query.matches) collapseSidePanels(shell);
        });
      }
    },
  };

  const container = {
    init: () => Promise.resolve(),
    get: (module) => (module === "./extension"
      ? Promise.resolve(() => ({ __esModule: true, default: [plugin] }))
      : Promise.reject(new Error(`coursekit-learner has no module ${module}`))),
  };
  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB["coursekit-learner"] = container;
})();
