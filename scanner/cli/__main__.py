"""`python -m scanner.cli` runs govscan."""

from scanner.cli import main

main()
