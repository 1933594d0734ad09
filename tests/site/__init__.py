"""`dts site` without a browser (tests/browser/ opens it in Chromium)."""
