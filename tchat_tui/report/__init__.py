"""After the hour: the summary (Markdown, HTML, JSON) and the transcript export (CSV, JSON)."""
