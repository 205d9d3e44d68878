"""The built-in check catalog: one YAML file per check in a folder per category, frameworks/ beside."""
