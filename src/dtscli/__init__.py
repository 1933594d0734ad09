"""dts: a command-line knowledge base of French démarches territoriales de santé."""

__version__ = "0.1.0"
