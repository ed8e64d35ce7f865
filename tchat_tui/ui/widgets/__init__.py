"""The console's widgets: stream, composer, panes."""
