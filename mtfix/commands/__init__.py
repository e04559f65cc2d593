"""The commands of the ``mtfix`` command line, one module each."""
