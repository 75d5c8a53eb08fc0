"""The ``msaaq-contract`` command line."""
