"""`python -m checker`: the same command line as the installed `checker` script."""
import sys

from .cli import main

sys.exit(main())
