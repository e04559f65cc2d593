"""mtfix: a terminal workbench for post-editing machine-translated English."""

__version__ = "0.1.0"
