"""`python -m scanner.cli` runs govscan."""

from scanner.cli import main

if __name__ == "__main__":
    main()
