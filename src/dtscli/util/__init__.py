"""Small helpers every layer may use: the error type, safe file writing, tabular output."""
