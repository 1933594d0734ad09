"""Maps: the renderer, the coverage, the committed geometry."""
