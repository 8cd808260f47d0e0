// multiple_choice: check boxes sharing one Tab stop (arrow keys move, Space ticks).
VIEWS.set("multiple_choice", {
  draw(ctx, view, q) {
    const { el } = ctx;
    const chosen = new Set(ctx.answerOf(view, q.id) || []);
    const list = el("div", { class: "coursekit-options" });
    const inputs = [];
    const hintId = `${ctx.uid}-${q.id}-hint`;
    q.options.forEach((option, index) => {
      const id = `${ctx.uid}-${q.id}-${index}`;
      const input = el("input", { type: "checkbox", id, disabled: view.finished, "data-key": `opt:${q.id}:${index}`,
        "aria-describedby": hintId }); // heard on each box: several may be ticked
      input.checked = chosen.has(option.id);
      input.tabIndex = index === 0 ? 0 : -1; // roving focus: one Tab stop for the question
      input.addEventListener("change", () => {
        const picked = q.options.filter((_o, i) => inputs[i].checked).map((o) => o.id);
        ctx.answer(q.id, picked);
      });
      input.addEventListener("focus", () => inputs.forEach((other) => { other.tabIndex = other === input ? 0 : -1; }));
      input.addEventListener("keydown", (event) => {
        const keys = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
        if (!(event.key in keys)) return;
        event.preventDefault();
        inputs[(index + keys[event.key] + inputs.length) % inputs.length].focus();
      });
      inputs.push(input);
      list.append(el("label", { class: "coursekit-option", for: id }, input, el("span", { text: option.text })));
    });
    return el("div", { class: "coursekit-group" },
      el("p", { class: "coursekit-hint", id: hintId, text: "Choose all that apply (arrow keys move, Space ticks)." }),
      list);
  },
  refresh(ctx, box, q, value) {
    const chosen = new Set(value || []);
    box.querySelectorAll("input").forEach((input, i) => { input.checked = chosen.has(q.options[i].id); });
  },
});
