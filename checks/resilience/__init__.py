"""Checks of the resilience category that need more than a YAML rule."""
