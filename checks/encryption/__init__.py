"""Checks of the encryption category that need more than a YAML rule."""
