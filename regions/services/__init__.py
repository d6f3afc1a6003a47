"""Writes of the regions app that carry rules (one module per subject)."""
