"""Checks of the residency category that need more than a YAML rule."""
