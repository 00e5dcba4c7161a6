"""`python -m wheelfit`."""

from wheelfit.cli import main

if __name__ == "__main__":
    main()
