/** Keep every key inside the widget: JupyterLab's command mode never sees it. */
function shieldKeys(root) {
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  for (const type of ["keydown", "keypress", "keyup"]) {
    root.addEventListener(type, (event) => event.stopPropagation());
  }
  // Ctrl/Cmd+S out of habit: the answers save themselves; never the browser's "Save page as" dialog.
  root.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") event.preventDefault();
  });
  // JupyterLab's notebook selects its cell (and may take the focus) on mousedown.
  root.addEventListener("mousedown", (event) => event.stopPropagation());
}
