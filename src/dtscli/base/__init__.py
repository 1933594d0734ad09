"""Reading and querying a knowledge base: find and scan it, parse YAML with positions, validate
records into words, the territory referential, the knowledge base and its query."""
