"""Quiz logic with no Jupyter imports: the spec model, scoring and attempts."""
