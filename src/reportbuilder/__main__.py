"""`python -m reportbuilder`: the same as the `reportbuilder` command."""

from reportbuilder.cli import run

if __name__ == "__main__":
    run()
