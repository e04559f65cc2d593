"""Reproducible performance runs, each comparing mtfix against a baseline in one run."""
