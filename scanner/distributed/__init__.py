"""Scale-out with Celery (Redis broker): one task per scope (per region for large scopes), results into the
shared store. Imported only for `--distributed`, `govscan worker` and `govscan schedule`."""
