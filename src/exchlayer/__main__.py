"""python -m exchlayer: the exchlayer command."""

import sys

from .cli import main

sys.exit(main())
