"""The format of the knowledge base: record models, vocabularies, the record kinds and the
schemas generated from them. Imports nothing else of dtscli."""
