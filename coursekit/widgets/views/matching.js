// matching: a labelled select per item; every choice (distractors included) in this learner's order.
VIEWS.set("matching", {
  draw(ctx, view, q) {
    const { el } = ctx;
    const chosen = ctx.answerOf(view, q.id) || {};
    const selects = [];
    const rows = q.items.map((item, index) => {
      const id = `${ctx.uid}-${q.id}-item-${index}`;
      const select = el("select", { id, disabled: view.finished, "data-key": `sel:${q.id}:${index}` },
        el("option", { value: "", text: "— choose —" }),
        q.choices.map((c) => el("option", { value: c.id, text: c.text })));
      select.value = chosen[item.id] || "";
      selects.push(select);
      // A narrow select cuts a long choice off: the choice made is also written out in full below it
      // (hidden from screen readers, which read the select's value).
      const shown = el("p", { class: "coursekit-match-chosen", "aria-hidden": "true" });
      const show = () => {
        const choice = q.choices.find((c) => c.id === select.value);
        shown.textContent = choice ? `Chosen: ${choice.text}` : "";
        shown.hidden = !choice;
      };
      show();
      select.addEventListener("change", () => {
        show();
        const pairs = {};
        q.items.forEach((other, i) => { if (selects[i].value) pairs[other.id] = selects[i].value; });
        ctx.answer(q.id, pairs);
      });
      select.coursekitShow = show;
      return el("div", { class: "coursekit-match" }, el("label", { for: id, text: item.text }), select, shown);
    });
    return el("div", { class: "coursekit-group" }, rows);
  },
  refresh(ctx, box, q, value) {
    box.querySelectorAll("select").forEach((select, i) => {
      select.value = (value || {})[q.items[i].id] || "";
      if (select.coursekitShow) select.coursekitShow();
    });
  },
});
