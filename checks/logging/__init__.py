"""Checks of the logging category that need more than a YAML rule."""
