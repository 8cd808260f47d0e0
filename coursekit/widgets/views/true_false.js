// true_false: two radios, True and False.
VIEWS.set("true_false", {
  draw: (ctx, view, q, legendId) => ctx.radioGroup(view, q, legendId,
    [{ id: true, text: "True" }, { id: false, text: "False" }]),
  refresh: (ctx, box, q, value) => ctx.checkRadios(box, [true, false], value),
});
