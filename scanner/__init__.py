"""govscan core: the model, kinds, conditions, catalog, policy and engine. Knows no provider and no format."""

__version__ = "0.1.0"
