"""Screens over the console: author card, choosers, action log, help, costs, mention offer."""
