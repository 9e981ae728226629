"""The calculators: one module per calculator (or per family), each defining a ``Calculator``
at module level. ``dscalc.registry`` discovers them; nothing else lists them."""
