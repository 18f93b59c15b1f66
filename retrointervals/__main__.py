"""``python -m retrointervals`` runs the command line."""

import sys

from retrointervals.cli import main

sys.exit(main())
