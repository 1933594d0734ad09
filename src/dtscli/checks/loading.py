"""Rules applied while files are read (see yamlfile.py and loader.py), declared here so
that they are listed, documented and configurable like the others."""

from dtscli.checks.registry import declare_loader_rule
from dtscli.data.findings import Severity
from dtscli.util.i18n import N_

E, W = Severity.error, Severity.warning

LOADER_RULES = (
    ("yaml-syntax", "yaml", E, N_("A file that does not parse cannot be read at all.")),
    ("yaml-duplicate-key", "yaml", E, N_("YAML keeps one of two equal keys and drops the other.")),
    (
        "yaml-tabs",
        "yaml",
        E,
        N_("YAML forbids tabs for indentation; editors show them differently."),
    ),
    ("yaml-encoding", "yaml", E, N_("Records are UTF-8 so that accents survive every tool.")),
    ("yaml-anchors", "yaml", E, N_("Anchors and aliases hide data and allow alias bombs.")),
    ("yaml-file-size", "yaml", E, N_("A record is small; a huge file is a mistake or an attack.")),
    ("unquoted-code", "yaml", W, N_("YAML reads 06088 as the number 6088: codes must be text.")),
    (
        "layout",
        "identity",
        W,
        N_("A file outside the known folders is not loaded, so not checked."),
    ),
    ("schema", "schema", E, N_("A record must be one mapping of text keys.")),
    (
        "schema-unknown-key",
        "schema",
        E,
        N_("An unknown key is usually a typo that would be ignored."),
    ),
    ("schema-missing-key", "schema", E, N_("Required facts must be present.")),
    ("schema-value", "schema", E, N_("Values must have the type and form the format defines.")),
    ("internal-error", "internal", E, N_("A rule failed on this data: the check is incomplete.")),
)

for name, family, severity, rationale in LOADER_RULES:
    declare_loader_rule(name, family, severity, rationale)
