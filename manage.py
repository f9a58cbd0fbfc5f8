#!/usr/bin/env python
"""Django's manage.py, for developers; users run the same commands as ``zaedno …``."""

import sys

from zaedno.cli import main

if __name__ == "__main__":
    main(sys.argv)
