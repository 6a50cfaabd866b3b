"""`python -m ledger.cli`, the same as the `park-ledger` script."""

import sys

from ledger.cli import main

sys.exit(main())
