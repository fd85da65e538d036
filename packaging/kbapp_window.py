"""The bundle's window executable (no console): ``kbapp`` with no command opens the window."""

import sys

from kbapp.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
