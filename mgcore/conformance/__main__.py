"""``python -m mgcore.conformance ENGINE [pytest args]``: run the suite without the CLI."""

import sys

from mgcore.conformance import main

sys.exit(main())
