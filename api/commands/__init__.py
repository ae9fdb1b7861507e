"""Subcommands of `plangraph`, one module each."""
