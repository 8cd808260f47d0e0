// single_choice: a radio group over the options, in this learner's order.
VIEWS.set("single_choice", {
  draw: (ctx, view, q, legendId) => ctx.radioGroup(view, q, legendId, q.options),
  refresh: (ctx, box, q, value) => ctx.checkRadios(box, q.options.map((o) => o.id), value),
});
