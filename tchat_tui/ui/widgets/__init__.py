"""The console's widgets: stream, stream entries, composer, panes."""
