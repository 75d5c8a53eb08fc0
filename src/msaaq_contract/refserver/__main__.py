"""``python -m msaaq_contract.refserver [--port 8765] [--faults FILE] ...``: same as ``msaaq-contract serve``."""

from __future__ import annotations

import sys

from ..cli.main import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
