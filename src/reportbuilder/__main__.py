"""`python -m reportbuilder`: the same as the `reportbuilder` command."""

from reportbuilder.cli import main

if __name__ == "__main__":
    main()
