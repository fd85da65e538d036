"""The bundle's command-line executable (a console program): ``kbapp-cli search 数据丢失``."""

import sys

from kbapp.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
