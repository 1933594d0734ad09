"""Fact sheets: their contexts, the Jinja environment, and the templates (package data)."""
