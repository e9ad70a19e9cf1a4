"""Run the command line with ``python -m charter_kit``."""

from .cli import main

main()
