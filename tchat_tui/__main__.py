"""`python -m tchat_tui` runs the command line."""

import sys

from tchat_tui.cli.main import main

sys.exit(main())
