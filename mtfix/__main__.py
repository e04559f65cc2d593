"""Run mtfix as ``python -m mtfix``."""

from mtfix.cli import main

main()
