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
      select.addEventListener("change", () => {
        const pairs = {};
        q.items.forEach((other, i) => { if (selects[i].value) pairs[other.id] = selects[i].value; });
        ctx.answer(q.id, pairs);
      });
      return el("div", { class: "coursekit-match" }, el("label", { for: id, text: item.text }), select);
    });
    return el("div", { class: "coursekit-group" }, rows);
  },
  refresh(ctx, box, q, value) {
    box.querySelectorAll("select").forEach((select, i) => { select.value = (value || {})[q.items[i].id] || ""; });
  },
});
