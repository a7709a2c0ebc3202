"""Venue adapters: each module holds one venue's differences from the generic connector."""
