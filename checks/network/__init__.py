"""Checks of the network category that need more than a YAML rule."""
