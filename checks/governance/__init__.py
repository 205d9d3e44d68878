"""Checks of the governance category that need more than a YAML rule."""
