"""The static website of a knowledge base (`dts site`), and the headless browser that prints
sheets to PDF and maps to PNG."""
