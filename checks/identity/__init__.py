"""Checks of the identity category that need more than a YAML rule."""
