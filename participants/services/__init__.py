"""Writes of the participants app that carry a rule, one module per subject (`diagnostics`, …)."""
