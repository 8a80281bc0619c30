"""Start the kiosk: ``python main.py`` is the same as ``kiosk run`` (same options)."""
import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", *sys.argv[1:]]))
