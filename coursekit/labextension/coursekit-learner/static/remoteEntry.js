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

  const plugin = {
    id: "coursekit-learner:narrow-screens",
    description: "Side panels start collapsed on narrow screens; dialogs fit the window.",
    autoStart: true,
    activate: (app) => {
      const style = document.createElement("style");
      style.setAttribute("data-coursekit", "narrow-screens");
      style.textContent = CSS;
      document.head.append(style);
      const query = window.matchMedia(NARROW);
      // After the saved layout is restored (it may have the file browser open), the notebook gets the width.
      app.restored.then(() => { if (query.matches) collapseSidePanels(app.shell); });
      // Turning a tablet or zooming in: collapse once on becoming narrow; the learner may open them again.
      query.addEventListener("change", (event) => { if (event.matches) collapseSidePanels(app.shell); });
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
