"""Pure chat rules: no I/O, no Textual, no network or database clients; the clock is passed in."""
