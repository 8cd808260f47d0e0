// numerical: one text field for a number, followed by one of the question's units when it has some.
VIEWS.set("numerical", {
  draw(ctx, view, q) {
    const label = q.units ? `Your answer: a number and a unit (${q.units.join(", ")})` : "Your answer: a number";
    const field = ctx.textField(view, q, label, "coursekit-numerical");
    field.querySelector("input").setAttribute("inputmode", q.units ? "text" : "decimal");
    return field;
  },
  refresh: (ctx, box, q, value) => ctx.refreshText(box, q, value),
});
