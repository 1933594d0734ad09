"""Rules applied while files are read (see yamlfile.py and loader.py), declared here so
that they are listed, documented and configurable like the others."""

from dtscli.checks.registry import declare_loader_rule
from dtscli.data.findings import Severity

E, W = Severity.error, Severity.warning

LOADER_RULES = (
    ("yaml-syntax", "yaml", E, "A file that does not parse cannot be read at all."),
    ("yaml-duplicate-key", "yaml", E, "YAML keeps one of two equal keys and drops the other."),
    ("yaml-tabs", "yaml", E, "YAML forbids tabs for indentation; editors show them differently."),
    ("yaml-encoding", "yaml", E, "Records are UTF-8 so that accents survive every tool."),
    ("yaml-anchors", "yaml", E, "Anchors and aliases hide data and allow alias bombs."),
    ("yaml-file-size", "yaml", E, "A record is small; a huge file is a mistake or an attack."),
    ("unquoted-code", "yaml", W, "YAML reads 06088 as the number 6088: codes must be text."),
    ("layout", "identity", W, "A file outside the known folders is not loaded, so not checked."),
    ("schema", "schema", E, "A record must be one mapping of text keys."),
    ("schema-unknown-key", "schema", E, "An unknown key is usually a typo that would be ignored."),
    ("schema-missing-key", "schema", E, "Required facts must be present."),
    ("schema-value", "schema", E, "Values must have the type and form the format defines."),
    ("internal-error", "internal", E, "A rule failed on this data: the check is incomplete."),
)

for name, family, severity, rationale in LOADER_RULES:
    declare_loader_rule(name, family, severity, rationale)
