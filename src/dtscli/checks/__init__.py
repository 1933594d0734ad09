"""The rules of `dts check`, one module per family, gathered in a registry.

Rules that the loader applies while reading files (YAML and schema) are declared in
`loading.py` so that `dts rules` lists them and configuration can change their severity;
the others are generator functions that look at the loaded knowledge base.
"""

from dtscli.checks.registry import RULES, Rule, all_rules

__all__ = ["RULES", "Rule", "all_rules"]
