"""One module per command, each with the logic the command line calls."""
