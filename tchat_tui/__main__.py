"""`python -m tchat_tui` runs the command line."""

import sys

from tchat_tui.cli import main

sys.exit(main())
