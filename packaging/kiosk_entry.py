"""Entry point of the frozen app: the ``kiosk`` command; with no arguments, ``kiosk run``."""
import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["run"]))
