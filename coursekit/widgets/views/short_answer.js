// short_answer: one text field.
VIEWS.set("short_answer", {
  draw: (ctx, view, q) => ctx.textField(view, q, "Your answer"),
  refresh: (ctx, box, q, value) => ctx.refreshText(box, q, value),
});
