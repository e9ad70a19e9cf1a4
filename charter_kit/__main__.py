"""Run the command line with ``python -m charter_kit``."""

from charter_kit.cli import main

if __name__ == "__main__":  # a worker process importing this module must not start the CLI
    main()
