"""The edge where outside text meets the model: untrusted content read with caps (only a ``Path``
is ever a path), CSV cells that can't become formulas, terminal text that can't carry markup or
escape codes."""
